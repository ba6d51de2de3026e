"""Online advisory: routing by topic and country, claim, answer, accept (solved), escalation once,
and response-time figures per agency."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shared.events.directory import OrganizationManagerAdded, OrganizationRegistered
from tests.infra import eventually


@pytest.fixture(scope="module")
def forum_overrides() -> dict:
    return {"advisory_escalate_after_s": 1.5, "advisory_check_interval_s": 0.3}


async def _agency_officer(forum, name: str, agency: str, topics: list[str], countries: list[str]):  # type: ignore[no-untyped-def]
    officer = await forum.register(name, "agency_officer")
    org = uuid.uuid4()
    await forum.deliver(OrganizationRegistered(organization_id=org, name=agency, kind="agency", country="CR"))
    await forum.deliver(OrganizationManagerAdded(organization_id=org, user_id=officer.user_id, role="staff"))
    profile = await forum.ok("PUT", "/advisors/me", officer, json={"topics": topics, "countries": countries})
    assert profile["organization_id"] == str(org) and profile["kind"] == "agency_officer"
    return officer, org


async def test_a_question_is_routed_claimed_answered_and_accepted(forum):
    officer, agency = await _agency_officer(
        forum, "Oficial Procomer", "PROCOMER", ["financing-factoring"], ["CR"]
    )
    expert = await forum.register("Experta Independiente", "advisor")
    await forum.ok("PUT", "/advisors/me", expert, json={"topics": ["financing-factoring"]})
    elsewhere, _ = await _agency_officer(forum, "Oficial Mercados", "Otra Agencia", ["market-access"], ["CR"])
    manager = await forum.register("Gerente Tica", "consortium_manager")
    plain = await forum.register("Miembro Curioso", "member")
    assert (
        await forum.call("PUT", "/advisors/me", plain, json={"topics": ["financing-factoring"]})
    ).status_code == 403

    space = await forum.space("online-advisory")
    asked = await forum.ok(
        "POST",
        f"/spaces/{space['id']}/threads",
        manager,
        json={
            "title": "¿Factoraje para un consorcio nuevo?",
            "body": "¿Qué opciones hay en Costa Rica?",
            "advisory": {"topic": "financing-factoring", "country": "cr"},
        },
    )
    request = asked["thread"]["advisory"]
    assert asked["thread"]["is_advisory"] and request["status"] == "open" and request["country"] == "CR"
    routed = (await forum.events("advisory.requested"))[-1]
    assert set(routed["advisor_ids"]) == {str(officer.user_id), str(expert.user_id)}
    assert request["advisor_count"] == 2
    inbox = await forum.ok("GET", "/advisory/requests", officer, params={"scope": "routed"})
    assert [r["id"] for r in inbox["items"]] == [request["id"]]
    assert (await forum.ok("GET", "/advisory/requests", elsewhere, params={"scope": "routed"}))["items"] == []

    claimed = await forum.ok("POST", f"/advisory/requests/{request['id']}/claim", officer)
    assert claimed["status"] == "claimed" and claimed["claimed_by"] == str(officer.user_id)
    taken = await forum.call("POST", f"/advisory/requests/{request['id']}/claim", expert)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "advisory_already_claimed"
    answered = await forum.ok(
        "POST",
        f"/advisory/requests/{request['id']}/answers",
        officer,
        json={"body": "Sí: el programa de factoraje de la banca de desarrollo."},
    )
    assert answered["advisory"]["status"] == "answered" and answered["post"]["is_answer"]
    post_id = answered["post"]["id"]
    assert (
        await forum.call(
            "POST", f"/advisory/requests/{request['id']}/accept", expert, json={"post_id": post_id}
        )
    ).status_code == 403
    accepted = await forum.ok(
        "POST", f"/advisory/requests/{request['id']}/accept", manager, json={"post_id": post_id}
    )
    assert accepted["status"] == "solved" and accepted["accepted_post_id"] == post_id
    page = await forum.ok("GET", f"/threads/{asked['thread']['id']}")
    assert page["thread"]["solved"] and page["items"][1]["is_accepted"]
    assert (await forum.events("advisory.accepted"))[-1]["advisor_id"] == str(officer.user_id)
    assert (
        len(await forum.events("advisory.claimed")) >= 1 and len(await forum.events("advisory.answered")) >= 1
    )

    figures = {f["organization_id"]: f for f in await forum.ok("GET", "/advisory/response-times")}
    assert figures[str(agency)]["organization_name"] == "PROCOMER"
    assert figures[str(agency)]["answered"] == 1 and figures[str(agency)]["solved"] == 1
    assert figures[str(agency)]["median_response_s"] >= 0


async def test_bad_advisory_questions_are_refused(forum):
    manager = await forum.register("Gerente Dudosa", "consortium_manager")
    space = await forum.space("online-advisory")
    for ask, code in (
        ({"topic": "astrology"}, "validation_error"),
        ({"topic": "market-access", "country": "QQ"}, "unknown_country"),
    ):
        response = await forum.call(
            "POST",
            f"/spaces/{space['id']}/threads",
            manager,
            json={"title": "¿?", "body": "Pregunta", "advisory": ask},
        )
        assert response.status_code == 422 and response.json()["error"]["code"] == code


async def test_an_unanswered_request_escalates_exactly_once(forum):
    manager = await forum.register("Gerente Paciente", "consortium_manager")
    space = await forum.space("online-advisory")
    asked = await forum.ok(
        "POST",
        f"/spaces/{space['id']}/threads",
        manager,
        json={
            "title": "¿Quién me ayuda con la logística?",
            "body": "Nadie responde",
            "advisory": {"topic": "logistics-supply", "country": "HN"},
        },
    )
    request_id = asked["thread"]["advisory"]["id"]
    assert asked["thread"]["advisory"]["advisor_count"] == 0  # nobody covers it yet: the asker sees so

    async def escalated():  # type: ignore[no-untyped-def]
        return [e for e in await forum.events("advisory.escalated") if e["request_id"] == request_id]

    found = await eventually(escalated, timeout=10)
    await asyncio.sleep(1.0)  # several more ticks of the periodic task
    assert (
        len(await escalated()) == 1
        and found[0]["waited_s"] >= 1.5
        and found[0]["topic"] == "logistics-supply"
    )
    state = await forum.ok("GET", f"/advisory/requests/{request_id}", manager)
    assert state["escalated_at"] is not None

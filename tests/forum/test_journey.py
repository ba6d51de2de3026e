"""The issue's "done when" through forum's own API: a consortium manager finds the seeded debates,
posts in the consortium's private space, asks an advisory question that an agency officer answers,
and accepts the answer."""

from __future__ import annotations

import uuid

from shared.events.directory import ConsortiumCreated, OrganizationManagerAdded, OrganizationRegistered


async def test_a_consortium_manager_finds_debates_posts_privately_and_gets_advice(forum):
    manager = await forum.register("Gerente del Consorcio", "consortium_manager")
    officer = await forum.register("Oficial de ProMéxico", "agency_officer")
    agency, consortium = uuid.uuid4(), uuid.uuid4()
    await forum.deliver(
        OrganizationRegistered(organization_id=agency, name="ProMéxico", kind="agency", country="MX")
    )
    await forum.deliver(
        OrganizationManagerAdded(organization_id=agency, user_id=officer.user_id, role="staff")
    )
    await forum.deliver(
        ConsortiumCreated(
            consortium_id=consortium,
            name="Consorcio Mezcalero",
            country="MX",
            manager_user_id=manager.user_id,
        )
    )

    hits = await forum.ok("GET", "/search", manager, params={"q": "gerente consorcio perfil"})
    assert any(h["thread"]["attributed_to"] for h in hits["items"])  # the meeting's own debate
    space = next(s for s in await forum.spaces(manager) if s["consortium_id"] == str(consortium))
    private = await forum.ok(
        "POST",
        f"/spaces/{space['id']}/threads",
        manager,
        json={"title": "Reparto de costos de feria", "body": "Propongo partes iguales."},
    )
    assert private["thread"]["space_id"] == space["id"]

    await forum.ok(
        "PUT", "/advisors/me", officer, json={"topics": ["consortium-formation"], "countries": ["MX"]}
    )
    advisory_space = await forum.space("online-advisory")
    asked = await forum.ok(
        "POST",
        f"/spaces/{advisory_space['id']}/threads",
        manager,
        json={
            "title": "¿Cuántas empresas debe tener el consorcio?",
            "body": "Somos cinco productores.",
            "advisory": {"topic": "consortium-formation", "country": "MX"},
        },
    )
    request_id = asked["thread"]["advisory"]["id"]
    answer = await forum.ok(
        "POST",
        f"/advisory/requests/{request_id}/answers",
        officer,
        json={"body": "La reunión de 2015 recomendó entre 7 y 10 empresas."},
    )
    accepted = await forum.ok(
        "POST", f"/advisory/requests/{request_id}/accept", manager, json={"post_id": answer["post"]["id"]}
    )
    assert accepted["status"] == "solved"
    page = await forum.ok("GET", f"/threads/{asked['thread']['id']}", manager)
    assert page["thread"]["solved"] and page["items"][1]["is_accepted"]
    figures = await forum.ok("GET", "/advisory/response-times")
    assert any(f["organization_name"] == "ProMéxico" and f["solved"] == 1 for f in figures)

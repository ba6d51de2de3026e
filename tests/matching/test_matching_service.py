"""Matching as a running service: events in, stored suggestions, match.found once, feedback, API pages."""

from __future__ import annotations

import asyncio
import uuid

from shared.events.directory import OrganizationManagerAdded, OrganizationUpdated
from tests.infra import eventually
from tests.matching.conftest import sme


def cocoa_pair():  # type: ignore[no-untyped-def]
    butter = sme(
        "Manteca Andina",
        sectors=["cacao"],
        products=[{"hs_code": "180400", "description": "manteca de cacao"}],
        offers="manteca de cacao orgánica",
        seeks="fabricantes de chocolate",
    )
    bars = sme(
        "Choco Quito",
        sectors=["cacao"],
        products=[{"hs_code": "180632", "description": "chocolate bars"}],
        offers="organic chocolate bars",
        seeks="cocoa butter",
    )
    return butter, bars


async def test_a_registered_sme_gets_its_complement_and_match_found_once_even_on_redelivery(matching):
    butter, bars = cocoa_pair()
    rival = sme(
        "Otra Manteca", sectors=["cacao"], products=[{"hs_code": "180400", "description": "cocoa butter"}]
    )
    await matching.register(butter)
    await matching.register(rival)
    envelope = bars.envelope()
    await matching.publish(bars, envelope)
    await eventually(lambda: matching._projected(bars.organization_id))

    page = await eventually(lambda: _nonempty(matching, bars.organization_id, "partner"))
    partners = {m["counterpart_id"] for m in page["items"]}
    assert str(butter.organization_id) in partners
    assert str(rival.organization_id) in partners  # rival of butter, not of the chocolate maker
    butter_page = await matching.matches(butter.organization_id, type="partner")
    assert str(rival.organization_id) not in {m["counterpart_id"] for m in butter_page["items"]}
    match = next(m for m in page["items"] if m["counterpart_id"] == str(butter.organization_id))
    assert any("cocoa butter" in r or "manteca" in r for r in match["reasons_en"])
    assert match["reasons_es"] and len(match["reasons_es"]) == len(match["reasons_en"])

    # Redelivery of the same event, then an update with the same profile: no second announcement.
    await matching.publish(bars, envelope)
    update = OrganizationUpdated(**bars.model_dump())
    await matching.publish(update)
    await eventually(lambda: _applied(matching, update))
    found = [
        e
        for e in await matching.outbox_events("match.found")
        if {e["organization_id"], e["counterpart_id"]}
        == {str(butter.organization_id), str(bars.organization_id)}
        and e["match_type"] == "partner"
    ]
    assert len(found) == 1
    supplier = await matching.matches(bars.organization_id, type="supplier")
    # Both cocoa-butter makers supply the chocolate maker.
    assert {m["supplier_id"] for m in supplier["items"]} == {
        str(butter.organization_id),
        str(rival.organization_id),
    }


async def test_declined_pair_is_never_suggested_again_and_mutual_acceptance_introduces_once(matching):
    alice, bob = uuid.uuid4(), uuid.uuid4()
    butter, bars = cocoa_pair()
    await matching.register(butter, manager=alice)
    await matching.register(bars, manager=bob)
    page = await eventually(lambda: _nonempty(matching, bars.organization_id, "partner"))
    partner = page["items"][0]
    supplier = (await matching.matches(bars.organization_id, type="supplier"))["items"][0]

    # A third firm declines its supplier suggestion: its partner suggestion with the same firm goes too.
    carol = uuid.uuid4()
    powder = sme(
        "Polvo de Cacao", sectors=["cacao"], products=[{"hs_code": "180500", "description": "cacao en polvo"}]
    )
    await matching.register(powder, manager=carol)
    both = await eventually(lambda: _types_with(matching, powder.organization_id, bars.organization_id, 2))
    declined = next(m for m in both if m["match_type"] == "supplier")
    r = await matching.client.post(
        f"/matches/{declined['id']}/responses",
        headers=matching.auth(carol),
        json={"organization_id": str(powder.organization_id), "response": "declined"},
    )
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert await _types_with(matching, powder.organization_id, bars.organization_id, 0) == []

    # Only a manager of a side may answer for it.
    stranger = await matching.client.post(
        f"/matches/{partner['id']}/responses",
        headers=matching.auth(uuid.uuid4()),
        json={"organization_id": str(bars.organization_id), "response": "accepted"},
    )
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "forbidden"
    outsider = await matching.client.post(
        f"/matches/{partner['id']}/responses",
        headers=matching.auth(bob),
        json={"organization_id": str(uuid.uuid4()), "response": "accepted"},
    )
    assert outsider.json()["error"]["code"] == "not_a_party"

    for user, org in ((bob, bars), (alice, butter), (alice, butter)):
        r = await matching.client.post(
            f"/matches/{partner['id']}/responses",
            headers=matching.auth(user),
            json={"organization_id": str(org.organization_id), "response": "accepted"},
        )
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "introduced"
    mine = await matching.client.get(
        f"/organizations/{bars.organization_id}/matches", headers=matching.auth(bob)
    )
    assert mine.status_code == 200 and partner["id"] in {m["id"] for m in mine.json()["items"]}
    intros = [
        e for e in await matching.outbox_events("introduction.accepted") if e["match_id"] == partner["id"]
    ]
    assert len(intros) == 1 and set(intros[0]["user_ids"]) == {str(alice), str(bob)}

    r = await matching.client.post(
        f"/matches/{supplier['id']}/responses",
        headers=matching.auth(alice),
        json={"organization_id": str(butter.organization_id), "response": "declined"},
    )
    assert r.status_code == 200 and r.json()["status"] == "declined"
    late = await matching.client.post(
        f"/matches/{supplier['id']}/responses",
        headers=matching.auth(bob),
        json={"organization_id": str(bars.organization_id), "response": "accepted"},
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "match_closed"
    # The profile changes: the declined pair is not suggested again, under any type.
    update = OrganizationUpdated(**(bars.model_dump() | {"seeks": "más manteca de cacao"}))
    await matching.publish(update)
    await eventually(lambda: _applied(matching, update))
    types = {
        m["match_type"]
        for m in (await matching.matches(bars.organization_id))["items"]
        if m["counterpart_id"] == str(butter.organization_id)
    }
    assert types == {"partner"}  # the introduced partner match stays visible; the declined supplier is gone
    assert (
        matching.app.state.matcher.index.top(
            matching.app.state.matcher.index.get(bars.organization_id), "supplier"
        )
        == []
    )


async def test_matches_are_paginated_best_first_with_type_and_minimum_score(matching):
    first = None
    for i in range(7):
        code = ["180100", "180310", "180400", "180500", "180610", "180620", "180690"][i]
        org = sme(f"Cacao {i}", sectors=["cacao"], products=[{"hs_code": code, "description": f"cacao {i}"}])
        await matching.register(org)
        first = first or org.organization_id
    full = await matching.matches(first, limit=200)
    seen, cursor = [], None
    while True:
        page = await matching.matches(first, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [m["id"] for m in seen] == [m["id"] for m in full["items"]] and len(seen) >= 6
    assert [m["score"] for m in seen] == sorted((m["score"] for m in seen), reverse=True)
    high = await matching.matches(first, min_score=seen[2]["score"], type="partner")
    assert all(m["score"] >= seen[2]["score"] and m["match_type"] == "partner" for m in high["items"])
    officer = matching.auth(uuid.uuid4(), "agency_officer")
    bad = await matching.client.get(
        f"/organizations/{first}/matches", params={"cursor": "nonsense!"}, headers=officer
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    missing = await matching.client.get(f"/organizations/{uuid.uuid4()}/matches", headers=officer)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "organization_not_found"
    # Suggestions are for the organization's own people and agency officers, not for anyone.
    anonymous = await matching.client.get(f"/organizations/{first}/matches")
    assert anonymous.status_code == 401
    stranger = await matching.client.get(
        f"/organizations/{first}/matches", headers=matching.auth(uuid.uuid4())
    )
    assert stranger.status_code == 403


async def _types_with(matching, organization_id, counterpart_id, count):  # type: ignore[no-untyped-def]
    items = [
        m
        for m in (await matching.matches(organization_id))["items"]
        if m["counterpart_id"] == str(counterpart_id)
    ]
    return items if len(items) == count else None


async def _nonempty(matching, organization_id, kind):  # type: ignore[no-untyped-def]
    page = await matching.matches(organization_id, type=kind)
    return page if page["items"] else None


async def _applied(matching, event) -> bool:  # type: ignore[no-untyped-def]
    r = await matching.client.get(f"/read-model/organizations/{event.organization_id}")
    await asyncio.sleep(0)
    return r.status_code == 200 and r.json()["profile"] == event.model_dump(mode="json")


async def test_organizations_in_the_same_hands_are_never_suggested_to_each_other(matching):
    owner, other = uuid.uuid4(), uuid.uuid4()
    butter, bars = cocoa_pair()
    await matching.register(butter, manager=owner)
    await matching.register(bars, manager=owner)
    rival_bars = sme(
        "Chocolates del Valle",
        sectors=["cacao"],
        products=[{"hs_code": "180632", "description": "chocolate bars"}],
        seeks="cocoa butter",
    )
    await matching.register(rival_bars, manager=other)
    page = await eventually(lambda: _nonempty(matching, butter.organization_id, "partner"))
    partners = {m["counterpart_id"] for m in page["items"]}
    assert str(rival_bars.organization_id) in partners
    assert str(bars.organization_id) not in partners

    # The other firm's manager later takes on the butter maker too: their open suggestion is withdrawn.
    await matching.publish(OrganizationManagerAdded(organization_id=butter.organization_id, user_id=other))

    async def withdrawn() -> bool:
        left = await matching.matches(butter.organization_id, type="partner")
        return str(rival_bars.organization_id) not in {m["counterpart_id"] for m in left["items"]}

    assert await eventually(withdrawn)

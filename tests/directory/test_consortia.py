"""Consortia: creation, the invited -> active -> left lifecycle, its events and who may do what."""

from __future__ import annotations

from tests.directory.people_helpers import bearer, outbox_events, register, sign_up


async def _manager_with_org(directory, issuer, **org):  # type: ignore[no-untyped-def]
    person = await sign_up(directory)
    headers = bearer(issuer, person)
    return person, headers, await register(directory, headers, **org)


async def test_a_consortium_is_an_organization_managed_by_its_creator(directory, signing_keys):
    person, headers, founder = await _manager_with_org(directory, signing_keys.issuer)
    body = {
        "name": "Consorcio Cacao Verde",
        "country": "cr",
        "sectors": [],
        "founding_organization_id": founder["id"],
    }
    created = await directory.post("/consortia", json=body, headers=headers)
    assert created.status_code == 201, created.text
    consortium = created.json()
    assert consortium["kind"] == "consortium" and consortium["country"] == "CR"
    [event] = await outbox_events(directory, "consortium.created")
    assert event["consortium_id"] == consortium["id"] and event["manager_user_id"] == person["id"]
    me = (await directory.get("/accounts/me", headers=headers)).json()
    assert "consortium_manager" in me["roles"]
    assert {o["organization_id"] for o in me["organizations"]} == {founder["id"], consortium["id"]}
    members = (await directory.get(f"/consortia/{consortium['id']}/members")).json()["items"]
    assert [(m["organization_id"], m["role"], m["status"]) for m in members] == [
        (founder["id"], "manager", "active")
    ]


async def test_membership_goes_invited_active_left_and_each_step_is_an_event(directory, signing_keys):
    issuer = signing_keys.issuer
    _, manager, _ = await _manager_with_org(directory, issuer)
    consortium = (
        await directory.post(
            "/consortia", json={"name": "Textiles Andinos", "country": "PE"}, headers=manager
        )
    ).json()
    _, owner, sme = await _manager_with_org(directory, issuer, country="PE")
    cid, oid = consortium["id"], sme["id"]

    invited = await directory.post(
        f"/consortia/{cid}/invitations", json={"organization_id": oid}, headers=manager
    )
    assert invited.status_code == 201 and invited.json()["status"] == "invited"
    again = await directory.post(
        f"/consortia/{cid}/invitations", json={"organization_id": oid}, headers=manager
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_member"
    assert (await directory.get(f"/consortia/{cid}/members")).json()["items"] == []
    pending = (await directory.get(f"/consortia/{cid}/members?status=invited", headers=manager)).json()[
        "items"
    ]
    assert [m["organization_id"] for m in pending] == [oid]

    accepted = await directory.post(f"/consortia/{cid}/members/{oid}/accept", headers=owner)
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    twice = await directory.post(f"/consortia/{cid}/members/{oid}/accept", headers=owner)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "invalid_transition"
    mine = (await directory.get(f"/organizations/{oid}/consortia")).json()["items"]
    assert [m["consortium_id"] for m in mine] == [cid]

    left = await directory.post(f"/consortia/{cid}/members/{oid}/leave", headers=owner)
    assert left.status_code == 200 and left.json()["status"] == "left" and left.json()["left_at"]
    assert (await directory.get(f"/consortia/{cid}/members")).json()["items"] == []

    assert [e["organization_id"] for e in await outbox_events(directory, "membership.invited")] == [oid]
    assert [e["organization_id"] for e in await outbox_events(directory, "membership.joined")] == [oid]
    assert [e["organization_id"] for e in await outbox_events(directory, "membership.left")] == [oid]


async def test_only_the_right_managers_invite_accept_and_remove(directory, signing_keys):
    issuer = signing_keys.issuer
    _, manager, _ = await _manager_with_org(directory, issuer)
    consortium = (
        await directory.post("/consortia", json={"name": "Muebles del Sur", "country": "CL"}, headers=manager)
    ).json()
    _, owner, sme = await _manager_with_org(directory, issuer)
    _, stranger, _ = await _manager_with_org(directory, issuer)
    cid, oid = consortium["id"], sme["id"]

    refused = await directory.post(
        f"/consortia/{cid}/invitations", json={"organization_id": oid}, headers=stranger
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    anonymous = await directory.post(f"/consortia/{cid}/invitations", json={"organization_id": oid})
    assert anonymous.status_code == 401
    await directory.post(f"/consortia/{cid}/invitations", json={"organization_id": oid}, headers=manager)
    assert (
        await directory.get(f"/consortia/{cid}/members?status=invited", headers=stranger)
    ).status_code == 403
    # The consortium's manager cannot accept for the invited organization.
    assert (
        await directory.post(f"/consortia/{cid}/members/{oid}/accept", headers=manager)
    ).status_code == 403
    assert (
        await directory.post(f"/consortia/{cid}/members/{oid}/accept", headers=stranger)
    ).status_code == 403
    await directory.post(f"/consortia/{cid}/members/{oid}/accept", headers=owner)
    assert (
        await directory.post(f"/consortia/{cid}/members/{oid}/leave", headers=stranger)
    ).status_code == 403
    removed = await directory.post(f"/consortia/{cid}/members/{oid}/leave", headers=manager)
    assert removed.status_code == 200 and removed.json()["status"] == "left"
    assert len(await outbox_events(directory, "membership.joined")) == 1


async def test_bad_consortium_input_gets_stable_codes(directory, signing_keys):
    issuer = signing_keys.issuer
    _, manager, sme = await _manager_with_org(directory, issuer)
    consortium = (
        await directory.post("/consortia", json={"name": "Flores Unidas", "country": "CO"}, headers=manager)
    ).json()
    cid = consortium["id"]
    cases = [
        (f"/consortia/{sme['id']}/invitations", {"organization_id": sme["id"]}, 422, "not_a_consortium"),
        (f"/consortia/{cid}/invitations", {"organization_id": cid}, 422, "validation_error"),
        (
            f"/consortia/{cid}/invitations",
            {"organization_id": "00000000-0000-0000-0000-000000000000"},
            404,
            "organization_not_found",
        ),
        (f"/consortia/{cid}/invitations", {"organization_id": "nope"}, 422, "validation_error"),
        (
            "/consortia/00000000-0000-0000-0000-000000000000/invitations",
            {"organization_id": sme["id"]},
            404,
            "consortium_not_found",
        ),
        (f"/consortia/{cid}/members/{sme['id']}/accept", None, 404, "membership_not_found"),
    ]
    for url, body, status, code in cases:
        response = await directory.post(url, json=body, headers=manager)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), url
    bad = await directory.post("/consortia", json={"name": "X", "country": "ZZ"}, headers=manager)
    assert bad.status_code == 422
    assert (await directory.get(f"/consortia/{cid}/members?cursor=%%%")).json()["error"][
        "code"
    ] == "validation_error"
    assert await outbox_events(directory, "membership.invited") == []


async def test_members_page_by_cursor(directory, signing_keys):
    issuer = signing_keys.issuer
    _, manager, _ = await _manager_with_org(directory, issuer)
    consortium = (
        await directory.post("/consortia", json={"name": "Software Caribe", "country": "DO"}, headers=manager)
    ).json()
    cid = consortium["id"]
    for _ in range(5):
        org = await register(directory, manager, country="DO")
        await directory.post(
            f"/consortia/{cid}/invitations", json={"organization_id": org["id"]}, headers=manager
        )
        await directory.post(f"/consortia/{cid}/members/{org['id']}/accept", headers=manager)
    seen, cursor = [], None
    while True:
        page = (
            await directory.get(
                f"/consortia/{cid}/members", params={"limit": 2} | ({"cursor": cursor} if cursor else {})
            )
        ).json()
        seen += [m["organization_id"] for m in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == len(set(seen)) == 5

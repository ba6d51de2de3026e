"""People in organizations: contacts only for signed-in members; managers decide who belongs."""

from __future__ import annotations

from tests.directory.people_helpers import bearer, outbox_events, register, sign_up


async def test_anonymous_readers_see_no_personal_emails_or_phones(directory, signing_keys):
    person = await sign_up(directory, "maria@example.org")
    headers = bearer(signing_keys.issuer, person)
    await directory.patch("/accounts/me", json={"phone": "+506 8888 0000"}, headers=headers)
    org = await register(directory, headers)

    anonymous = (await directory.get(f"/people/{person['id']}")).json()
    assert anonymous["display_name"] == "Ana" and anonymous["email"] is None and anonymous["phone"] is None
    [member] = (await directory.get(f"/organizations/{org['id']}/members")).json()["items"]
    assert member["role"] == "manager" and member["email"] is None and member["phone"] is None
    batch = (await directory.post("/people/batch", json={"ids": [person["id"]]})).json()
    assert "maria@example.org" not in str(batch) and "8888" not in str(batch)

    reader = bearer(signing_keys.issuer, await sign_up(directory))
    seen = (await directory.get(f"/people/{person['id']}", headers=reader)).json()
    assert seen["email"] == "maria@example.org" and seen["phone"] == "+506 8888 0000"
    [member] = (await directory.get(f"/organizations/{org['id']}/members", headers=reader)).json()["items"]
    assert member["email"] == "maria@example.org"


async def test_managers_add_staff_and_others_cannot(directory, signing_keys):
    issuer = signing_keys.issuer
    owner = await sign_up(directory)
    org = await register(directory, bearer(issuer, owner))
    staff, outsider = await sign_up(directory), await sign_up(directory)
    url = f"/organizations/{org['id']}/members"
    refused = await directory.post(url, json={"user_id": staff["id"]}, headers=bearer(issuer, outsider))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    added = await directory.post(
        url, json={"user_id": staff["id"], "role": "staff"}, headers=bearer(issuer, owner)
    )
    assert added.status_code == 201
    roles = {m["user_id"]: m["role"] for m in (await directory.get(url)).json()["items"]}
    assert roles == {owner["id"]: "manager", staff["id"]: "staff"}
    added_events = await outbox_events(directory, "organization_member.added")
    assert [(e["user_id"], e["role"]) for e in added_events] == [
        (owner["id"], "manager"),
        (staff["id"], "staff"),
    ]
    # Staff are not managers: they cannot add people either.
    assert (
        await directory.post(url, json={"user_id": outsider["id"]}, headers=bearer(issuer, staff))
    ).status_code == 403
    # The last manager cannot leave; staff can.
    last = await directory.delete(f"{url}/{owner['id']}", headers=bearer(issuer, owner))
    assert last.status_code == 409
    assert (await directory.delete(f"{url}/{staff['id']}", headers=bearer(issuer, staff))).status_code == 204
    assert [e["user_id"] for e in await outbox_events(directory, "organization_member.removed")] == [
        staff["id"]
    ]
    contact = await outbox_events(directory, "user.contact_changed")
    assert contact[-1]["user_id"] == staff["id"] and contact[-1]["organization_ids"] == []

"""Verification by agency officers of the right country, the badge, and stale-profile reminders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from services.directory.models import Organization
from services.directory.verification.stale import remind_stale_profiles
from tests.directory.people_helpers import bearer, outbox_events, promote, register, sign_up


async def _officer(directory, issuer, admin_headers, *, kind="agency", country="CR"):  # type: ignore[no-untyped-def]
    agency = await register(directory, admin_headers, kind=kind, **({"country": country} if country else {}))
    officer = await promote(directory, await sign_up(directory), "agency_officer", agency_id=agency["id"])
    return bearer(issuer, officer)


async def _setup(directory, issuer):  # type: ignore[no-untyped-def]
    admin = bearer(issuer, await promote(directory, await sign_up(directory), "admin"))
    owner = bearer(issuer, await sign_up(directory))
    sme = await register(directory, owner, country="CR")
    return admin, owner, sme


async def test_an_officer_of_the_country_verifies_and_the_badge_shows(directory, signing_keys):
    issuer = signing_keys.issuer
    admin, owner, sme = await _setup(directory, issuer)
    officer = await _officer(directory, issuer, admin)
    url = f"/organizations/{sme['id']}/verification"
    assert (await directory.get(url)).json()["status"] == "pending"
    assert (await directory.post(url + "/request", headers=owner)).json()["status"] == "pending"
    decided = await directory.post(url, json={"status": "verified"}, headers=officer)
    assert (
        decided.status_code == 200 and decided.json()["status"] == "verified" and decided.json()["agency_id"]
    )
    assert (await directory.get(url)).json()["status"] == "verified"
    async with directory.app.state.runtime.session() as session:
        assert (await session.get(Organization, uuid.UUID(sme["id"]))).verification_status == "verified"
    [event] = await outbox_events(directory, "organization.verified")
    assert event["organization_id"] == sme["id"] and event["status"] == "verified"
    batch = (await directory.post("/verifications/batch", json={"ids": [sme["id"]]})).json()
    assert [b["status"] for b in batch] == ["verified"]


async def test_officers_of_another_country_members_and_owners_cannot_verify(directory, signing_keys):
    issuer = signing_keys.issuer
    admin, owner, sme = await _setup(directory, issuer)
    foreign = await _officer(directory, issuer, admin, country="MX")
    member = bearer(issuer, await sign_up(directory))
    url = f"/organizations/{sme['id']}/verification"
    for headers in (foreign, member, owner):
        refused = await directory.post(url, json={"status": "verified"}, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert (await directory.post(url, json={"status": "verified"})).status_code == 401
    assert (await directory.get(url)).json()["status"] == "pending"
    assert await outbox_events(directory, "organization.verified") == []


async def test_a_regional_body_officer_verifies_anywhere(directory, signing_keys):
    issuer = signing_keys.issuer
    admin, _, sme = await _setup(directory, issuer)
    regional = await _officer(directory, issuer, admin, kind="regional_body", country=None)
    decided = await directory.post(
        f"/organizations/{sme['id']}/verification", json={"status": "verified"}, headers=regional
    )
    assert decided.status_code == 200, decided.text


async def test_a_rejection_needs_a_reason_that_only_members_see(directory, signing_keys):
    issuer = signing_keys.issuer
    admin, owner, sme = await _setup(directory, issuer)
    officer = await _officer(directory, issuer, admin)
    url = f"/organizations/{sme['id']}/verification"
    bare = await directory.post(url, json={"status": "rejected", "reason": "  "}, headers=officer)
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "reason_required"
    bad = await directory.post(url, json={"status": "maybe"}, headers=officer)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    await directory.post(url, json={"status": "rejected", "reason": "tax id does not match"}, headers=officer)
    anonymous = (await directory.get(url)).json()
    assert anonymous["status"] == "rejected" and anonymous["reason"] is None
    assert (await directory.get(url, headers=owner)).json()["reason"] == "tax id does not match"
    again = await directory.post(url + "/request", headers=owner)
    assert again.json()["status"] == "pending"
    missing = await directory.post(
        f"/organizations/{uuid.uuid4()}/verification", json={"status": "verified"}, headers=officer
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "organization_not_found"


async def test_stale_profiles_are_reminded_once_per_staleness_period(directory, signing_keys):
    issuer = signing_keys.issuer
    owner = bearer(issuer, await sign_up(directory))
    old, fresh = await register(directory, owner), await register(directory, owner)
    runtime = directory.app.state.runtime
    long_ago = datetime.now(UTC) - timedelta(days=400)
    async with runtime.session() as session:
        await session.execute(
            update(Organization).where(Organization.id == uuid.UUID(old["id"])).values(updated_at=long_ago)
        )
    for _ in range(2):
        async with runtime.session() as session:
            await remind_stale_profiles(session=session)
    assert [e["organization_id"] for e in await outbox_events(directory, "organization.stale")] == [old["id"]]
    # Edited, then untouched for another year: one more reminder.
    async with runtime.session() as session:
        await session.execute(
            update(Organization)
            .where(Organization.id == uuid.UUID(old["id"]))
            .values(updated_at=long_ago + timedelta(days=10))
        )
    async with runtime.session() as session:
        assert await remind_stale_profiles(session=session) == 1
    async with runtime.session() as session:
        assert await remind_stale_profiles(session=session) == 0
    assert fresh["id"] not in [
        e["organization_id"] for e in await outbox_events(directory, "organization.stale")
    ]

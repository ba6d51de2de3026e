"""Bulk import: admins only, the registration rules per row, one outbox event per imported row."""

from __future__ import annotations

import uuid

from shared.auth import Principal
from tests.directory.people_helpers import outbox_events
from tests.directory.profile_helpers import error_code, member, sme


async def test_admins_import_many_organizations_and_bad_rows_are_reported_not_stored(directory, signing_keys):
    admin = {
        "Authorization": "Bearer "
        + signing_keys.issuer.access_token(Principal(user_id=uuid.uuid4(), roles=frozenset({"admin"})))
    }
    rows = [sme(name=f"Importada {i}", tax_id=f"TAX-{i}") for i in range(30)]
    rows[3] = sme(name="Mala", products=[{"hs_code": "12345"}])
    rows[7] = sme(name="Importada 1")  # the same folded name in the same country as row 1
    rows[9] = sme(name="Otra", tax_id="TAX-2")  # row 2's tax id
    rows[12] = sme(name="Lejos", country="QQ")
    response = await directory.post("/organizations/import", json={"organizations": rows}, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["imported"] == 26
    assert {(e["index"], e["code"]) for e in body["errors"]} == {
        (3, "invalid_hs_code"),
        (7, "duplicate_organization"),
        (9, "duplicate_organization"),
        (12, "unknown_country"),
    }
    assert [i for i, v in enumerate(body["ids"]) if v is None] == [3, 7, 9, 12]
    events = await outbox_events(directory, "organization.registered")
    assert sorted(e["organization_id"] for e in events) == sorted(i for i in body["ids"] if i)
    assert all(e["sectors"] == ["cacao"] and e["size_class"] == "small" for e in events)
    found = (await directory.get("/organizations/search", params={"q": "importada"})).json()
    assert found["total"] == 26


async def test_members_may_not_bulk_import(directory, signing_keys):
    response = await directory.post(
        "/organizations/import",
        json={"organizations": [sme()]},
        headers=await member(directory, signing_keys),
    )
    assert response.status_code == 403 and error_code(response) == "forbidden"

"""Organization profiles: registration, validation codes, permissions, events carrying the profile."""

from __future__ import annotations

import uuid

from tests.directory.people_helpers import outbox_events
from tests.directory.profile_helpers import error_code, member, register, sme


async def test_a_member_registers_a_full_sme_profile_and_becomes_its_manager(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers)
    assert org["size_class"] == "small" and org["region"] == "south_america"
    assert [p["hs_code"] for p in org["products"]] == ["1801", "180632"]
    assert org["languages"] == ["es", "en"] and org["target_markets"] == ["US", "europe"]
    assert org["completeness"] == 95  # everything but the check-up
    changed = await directory.patch(f"/organizations/{org['id']}", json={"employees": 250}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["size_class"] == "large"
    assert changed.json()["updated_at"] > org["updated_at"]


async def test_registration_needs_a_signed_in_user(directory):
    response = await directory.post("/organizations", json=sme())
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


async def test_each_kind_of_bad_input_gets_its_own_code_and_stores_nothing(directory, signing_keys):
    headers = await member(directory, signing_keys)
    cases = [
        ({"products": [{"hs_code": "180", "description_es": "x"}]}, 422, "invalid_hs_code"),
        ({"products": [{"hs_code": "98ab"}]}, 422, "invalid_hs_code"),
        ({"country": "QQ"}, 422, "unknown_country"),
        ({"sectors": ["cacao", "unicorns"]}, 422, "unknown_sector"),
        ({"target_markets": ["atlantis"]}, 422, "unknown_market"),
        ({"description": "x" * 5001}, 422, "text_too_long"),
        ({"name": "N" * 201}, 422, "text_too_long"),
        ({"products": [{"hs_code": "18", "description_en": "y" * 501}]}, 422, "text_too_long"),
        ({"languages": ["spanish"]}, 422, "validation_error"),
        ({"employees": -1}, 422, "validation_error"),
    ]
    for fields, status, code in cases:
        response = await directory.post("/organizations", json=sme(**fields), headers=headers)
        assert (response.status_code, error_code(response)) == (status, code), fields
    assert await outbox_events(directory, "organization.registered") == []


async def test_same_folded_name_in_the_same_country_or_same_tax_id_is_a_duplicate(directory, signing_keys):
    headers = await member(directory, signing_keys)
    first = await register(directory, headers, name="Café Ñandú", tax_id="EC-1790012345001")
    again = await directory.post("/organizations", json=sme(name="  CAFE nandu "), headers=headers)
    assert again.status_code == 409 and error_code(again) == "duplicate_organization"
    assert again.json()["error"]["details"]["existing_id"] == first["id"]
    same_tax = await directory.post("/organizations", json=sme(tax_id="EC-1790012345001"), headers=headers)
    assert error_code(same_tax) == "duplicate_organization"
    elsewhere = await directory.post(
        "/organizations", json=sme(name="Café Ñandú", country="PE"), headers=headers
    )
    assert elsewhere.status_code == 201


async def test_only_managers_edit_delete_or_fill_the_check_up(directory, signing_keys):
    owner = await member(directory, signing_keys)
    stranger = await member(directory, signing_keys)
    org = await register(directory, owner)
    url = f"/organizations/{org['id']}"
    for response in (
        await directory.patch(url, json={"seeks": "todo"}, headers=stranger),
        await directory.delete(url, headers=stranger),
        await directory.post(f"{url}/checkups", json={"answers": {}}, headers=stranger),
    ):
        assert response.status_code == 403 and error_code(response) == "forbidden"
    assert (await directory.patch(url, json={"seeks": "todo"})).status_code == 401
    assert (await directory.get(url)).json()["seeks"] == org["seeks"]
    assert (await directory.patch(url, json={"seeks": "todo"}, headers=owner)).json()["seeks"] == "todo"


async def test_a_failed_update_loses_nothing(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers)
    bad = await directory.patch(
        f"/organizations/{org['id']}", json={"offers": "nuevo", "sectors": ["nope"]}, headers=headers
    )
    assert error_code(bad) == "unknown_sector"
    assert (await directory.get(f"/organizations/{org['id']}")).json()["offers"] == org["offers"]


async def test_registered_and_updated_events_carry_the_whole_public_profile(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers)
    await directory.patch(f"/organizations/{org['id']}", json={"export_status": "regular"}, headers=headers)
    registered = (await outbox_events(directory, "organization.registered"))[-1]
    updated = (await outbox_events(directory, "organization.updated"))[-1]
    for event in (registered, updated):
        assert event["organization_id"] == org["id"]
        assert (
            event["country"] == "EC" and event["region"] == "south_america" and event["province"] == "Manabí"
        )
        assert event["sectors"] == ["cacao"] and event["value_chain_role"] == "producer"
        assert event["products"][1] == {
            "hs_code": "180632",
            "description": "Chocolate en barras",
            "description_es": "Chocolate en barras",
            "description_en": "Chocolate bars",
        }
        assert event["size_class"] == "small" and event["employees"] == 35
        assert event["target_markets"] == ["US", "europe"] and event["languages"] == ["es", "en"]
        assert event["certifications"] == ["Orgánico UE", "Fairtrade"]
        assert event["offers"] and event["seeks"] and event["description_en"] and event["website"]
        assert event["verification"] == "pending" and event["completeness"] == 95
    assert registered["export_status"] == "occasional" and updated["export_status"] == "regular"


async def test_deleting_hides_the_organization_announces_it_and_frees_its_name(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(directory, headers, name="Flores del Volcán")
    assert (await directory.delete(f"/organizations/{org['id']}", headers=headers)).status_code == 204
    assert error_code(await directory.get(f"/organizations/{org['id']}")) == "organization_not_found"
    batch = await directory.post("/organizations/batch", json={"ids": [org["id"], str(uuid.uuid4())]})
    assert batch.json() == []
    assert [e["organization_id"] for e in await outbox_events(directory, "organization.deleted")] == [
        org["id"]
    ]
    assert (
        await directory.post("/organizations", json=sme(name="Flores del Volcán"), headers=headers)
    ).status_code == 201


async def test_batch_read_answers_the_known_ids(directory, signing_keys):
    headers = await member(directory, signing_keys)
    a, b = await register(directory, headers), await register(directory, headers)
    rows = (
        await directory.post("/organizations/batch", json={"ids": [a["id"], b["id"], str(uuid.uuid4())]})
    ).json()
    assert {r["id"] for r in rows} == {a["id"], b["id"]}
    assert all(r["sectors"] == ["cacao"] and r["products"] for r in rows)

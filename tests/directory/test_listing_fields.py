"""A listing answers only the fields a caller asks for, with the values a whole listing has."""

from __future__ import annotations

from services.directory.organizations.output import PROJECTABLE
from services.directory.schemas import OrganizationOut
from tests.directory.profile_helpers import member, sme


async def test_a_listing_with_fields_answers_those_fields_as_the_whole_listing_does(directory, signing_keys):
    headers = await member(directory, signing_keys)
    for name in ("Cacao Andino", "Banano Verde", "Café de Altura"):
        created = await directory.post("/organizations", json=sme(name=name), headers=headers)
        assert created.status_code == 201, created.text
    params = {"country": "EC", "limit": 2}
    whole = (await directory.get("/organizations", params=params)).json()
    fields = "name,region,sectors,employees,verification_status"
    some = (await directory.get("/organizations", params=params | {"fields": fields})).json()

    assert [set(item) for item in some["items"]] == [{"id", *fields.split(",")}] * 2
    assert some["items"] == [{k: item[k] for k in ("id", *fields.split(","))} for item in whole["items"]]
    assert some["items"][0]["region"] == "south_america"
    # Same page, same cursors: a client can page on with either.
    assert (some["cursors"], some["next_cursor"]) == (whole["cursors"], whole["next_cursor"])
    after = {"cursor": some["next_cursor"], "fields": "name"}
    assert (await directory.get("/organizations", params=params | after)).json()["items"] == [
        {"id": whole_item["id"], "name": whole_item["name"]}
        for whole_item in (
            await directory.get("/organizations", params={"country": "EC", "limit": 3})
        ).json()["items"][2:]
    ]


async def test_asking_for_a_field_that_needs_shaping_gives_whole_organizations(directory, signing_keys):
    headers = await member(directory, signing_keys)
    assert (await directory.post("/organizations", json=sme(), headers=headers)).status_code == 201
    for fields in ("name,products", "name,created_at", "name,no_such_field"):
        page = (await directory.get("/organizations", params={"fields": fields})).json()
        assert set(page["items"][0]) == set(OrganizationOut.model_fields)


def test_every_projectable_field_is_a_field_of_the_whole_organization():
    assert PROJECTABLE < set(OrganizationOut.model_fields)

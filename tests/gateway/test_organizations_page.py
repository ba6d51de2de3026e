"""A page of organizations asks directory only for the fields the query reads, and answers the same."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from gateway.directory.projection import ALWAYS, SOURCES
from gateway.directory.types import FROM_ROW, Organization
from gateway.schema import schema
from services.directory.organizations import bulk
from services.directory.organizations.output import PROJECTABLE
from services.directory.schemas import OrganizationIn
from tests.gateway.directory_system import directory_behind_gateway

PAGE = """query Page($first: Int!) { organizations(first: $first, country: "MX") {
  edges { cursor node { id name ...Where } } pageInfo { hasNextPage endCursor } } }
fragment Where on Organization { countryCode region country { iso2 nameEs } ... on Organization { sizeClass } }"""


@pytest.fixture
async def system(tmp_path, nats_server, redis_server, namespace, signing_keys):  # type: ignore[no-untyped-def]
    async with directory_behind_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys
    ) as pair:
        yield pair


async def test_a_page_reads_only_its_fields_from_directory_and_answers_as_with_whole_rows(system):
    api, directory = system
    rows = [
        OrganizationIn.model_validate(
            {"kind": "sme", "name": f"Artesanías {i:02}", "country": "MX", "employees": i}
        )
        for i in range(1, 8)
    ]
    async with directory.state.runtime.session() as session:
        assert (await bulk.import_organizations(rows, session=session)).imported == 7

    directory.query_strings.clear()
    directory.requests.clear()
    page = (await api(PAGE, first=5))["organizations"]
    assert _fields_asked(directory, "GET /organizations") == [["country,id,kind,name,region,size_class"]]

    # createdAt needs the whole organization: the same page, read from whole rows.
    directory.query_strings.clear()
    directory.requests.clear()
    whole = (await api(PAGE.replace("id name", "id name createdAt"), first=5))["organizations"]
    assert [parse_qs(q).get("fields") for q in directory.query_strings if "country=MX" in q] == [None]
    for edge in whole["edges"]:
        del edge["node"]["createdAt"]
    assert page == whole
    assert [e["node"]["sizeClass"] for e in page["edges"]] == ["MICRO"] * 5
    assert page["edges"][0]["node"]["country"] == {"iso2": "MX", "nameEs": "México"}
    assert page["pageInfo"]["hasNextPage"] is True


def test_the_projection_names_real_graphql_fields_and_fields_directory_can_project():
    organization = schema._schema.get_type("Organization")
    assert set(SOURCES) - {"__typename"} <= set(organization.fields)  # type: ignore[union-attr]
    assert {source for sources in SOURCES.values() for source in sources} | ALWAYS <= PROJECTABLE
    # What is left out needs whole organizations, so a new field is never read from a partial row.
    assert set(organization.fields) - set(SOURCES) == {"products", "figures", "createdAt", "updatedAt"}  # type: ignore[union-attr]


async def test_a_search_counts_facets_only_when_the_query_reads_them_or_the_total(system):
    api, directory = system
    asked = []
    for selection in ("edges { node { name } }", "totalCount", "facets { name }", "exactCounts"):
        directory.query_strings.clear()
        directory.requests.clear()
        await api(f'{{ searchOrganizations(query: "cacao") {{ {selection} }} }}')
        (query,) = [
            q for q, r in zip(directory.query_strings, directory.requests, strict=True) if "search" in r
        ]
        asked.append(parse_qs(query)["facets"])
    assert asked == [["false"], ["true"], ["true"], ["true"]]


def test_an_organization_from_a_row_has_every_field_that_is_not_resolved():
    plain = {f.name for f in Organization.__strawberry_definition__.fields if f.base_resolver is None}
    assert set(FROM_ROW) == plain
    organization = Organization.from_row(
        {"id": "7", "kind": "agency", "name": "ProColombia", "country": "CO"}
    )
    assert (organization.kind.value, organization.country_code, organization.products) == ("agency", "CO", [])


async def test_a_broad_search_says_its_counts_are_estimates(
    tmp_path, database_url, nats_server, redis_server, namespace, signing_keys
):  # type: ignore[no-untyped-def]
    async with directory_behind_gateway(
        tmp_path,
        nats_server.url,
        redis_server.url,
        namespace,
        signing_keys,
        database_url=database_url,
        search_exact_counts_up_to=40,
    ) as (api, directory):
        rows = [
            OrganizationIn.model_validate({"kind": "sme", "name": f"Hilandería {i:03}", "country": "PE"})
            for i in range(240)
        ]
        async with directory.state.runtime.session() as session:
            assert (await bulk.import_organizations(rows, session=session)).imported == 240
        page = (await api('{ searchOrganizations(query: "hilanderia") { totalCount exactCounts } }'))[
            "searchOrganizations"
        ]
    if database_url.startswith("postgresql"):
        # Estimated from the matches in a random eighth of the organizations (about 30 of them).
        assert page["exactCounts"] is False and page["totalCount"] % 8 == 0 and page["totalCount"] > 40
    else:
        assert page == {"totalCount": 240, "exactCounts": True}


async def test_a_search_page_reads_only_its_fields_from_directory_and_answers_as_with_whole_rows(system):
    api, directory = system
    rows = [
        OrganizationIn.model_validate(
            {"kind": "sme", "name": f"Cafetal {i:02}", "country": "CO", "employees": i}
        )
        for i in range(1, 6)
    ]
    async with directory.state.runtime.session() as session:
        assert (await bulk.import_organizations(rows, session=session)).imported == 5
    search = '{ searchOrganizations(query: "cafetal", first: 3) { edges { node { id name ...Where } } } }'
    search += "\nfragment Where on Organization { countryCode region country { iso2 } sizeClass }"

    directory.query_strings.clear()
    directory.requests.clear()
    page = (await api(search))["searchOrganizations"]
    assert _fields_asked(directory, "GET /organizations/search") == [
        ["country,id,kind,name,region,size_class"]
    ]
    whole = (await api(search.replace("id name", "id name createdAt")))["searchOrganizations"]
    for edge in whole["edges"]:
        del edge["node"]["createdAt"]
    assert page == whole and len(page["edges"]) == 3


def _fields_asked(directory, route: str) -> list[list[str] | None]:  # type: ignore[no-untyped-def]
    """The `fields` directory was asked for on each call to route since its log was cleared."""
    return [
        parse_qs(q).get("fields")
        for q, r in zip(directory.query_strings, directory.requests, strict=True)
        if r == route
    ]

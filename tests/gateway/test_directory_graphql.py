"""Directory through the gateway: profile, check-up, search with facets, reference data, knowledge,
participants' privacy, and DataLoaders that keep a page's service calls constant."""

from __future__ import annotations

import uuid

import pytest

from services.directory.organizations import bulk, checkup
from services.directory.schemas import OrganizationIn
from tests.gateway.directory_system import directory_behind_gateway
from tests.gateway.test_auth import PASSWORD, SIGN_UP

FAILURE = "... on Error { __typename code message }"
REGISTER = f"""mutation($input: RegisterOrganizationInput!) {{
  registerOrganization(input: $input) {{
    __typename
    ... on RegisterOrganizationSuccess {{ organization {{ id sizeClass completeness region countryCode
      country {{ nameEs }} sectorDetails {{ nameEn }} products {{ hsCode descriptionEs }} verification }} }}
    {FAILURE}
    ... on ValidationError {{ fields {{ field problem }} }}
  }}
}}"""
UPDATE = f"""mutation($id: ID!, $input: UpdateOrganizationInput!) {{
  updateOrganization(id: $id, input: $input) {{
    __typename ... on UpdateOrganizationSuccess {{ organization {{ employees sizeClass exportStatus offers }} }} {FAILURE}
  }}
}}"""
CHECKUP = f"""mutation($id: ID!, $answers: [CheckupAnswerInput!]!) {{
  submitExportCheckup(organizationId: $id, answers: $answers) {{
    __typename ... on SubmitCheckupSuccess {{ checkup {{ score dimensions {{ dimension score }} }}
      organization {{ exportCheckupScore checkups {{ edges {{ node {{ score }} }} }} }} }} {FAILURE}
  }}
}}"""
SEARCH = """query($q: String!, $country: [String!], $first: Int!, $after: String) {
  searchOrganizations(query: $q, country: $country, first: $first, after: $after) {
    totalCount exactCounts facets { name values { value count } }
    pageInfo { hasNextPage endCursor }
    edges { node { name countryCode country { nameEs } sectorDetails { code nameEs } } }
  }
}"""


@pytest.fixture
async def system(tmp_path, nats_server, redis_server, namespace, signing_keys):  # type: ignore[no-untyped-def]
    async with directory_behind_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys
    ) as pair:
        yield pair


async def _signed_in(api) -> str:  # type: ignore[no-untyped-def]
    result = (await api(SIGN_UP, email=f"{uuid.uuid4().hex[:8]}@example.org", password=PASSWORD))["signUp"]
    return result["accessToken"]


def _profile(**extra):  # type: ignore[no-untyped-def]
    return {
        "kind": "SME",
        "name": f"Chocolates Finos {uuid.uuid4().hex[:4]}",
        "country": "ec",
        "sectors": ["cacao"],
        "employees": 12,
        "exportStatus": "OCCASIONAL",
        "valueChainRole": "PROCESSOR",
        "products": [{"hsCode": "1806", "descriptionEs": "Chocolate"}],
        "targetMarkets": ["US"],
        "languages": ["es"],
        "offers": "Chocolate de origen",
        "seeks": "Distribuidores",
    } | extra


async def test_a_member_registers_edits_and_scores_an_organization_through_graphql(system):
    api, _ = system
    anonymous = (await api(REGISTER, input=_profile()))["registerOrganization"]
    assert anonymous["__typename"] == "PermissionError" and anonymous["code"] == "unauthenticated"

    api.token = await _signed_in(api)
    bad = (await api(REGISTER, input=_profile(products=[{"hsCode": "123"}])))["registerOrganization"]
    assert bad["__typename"] == "ValidationError" and bad["code"] == "invalid_hs_code"
    org = (await api(REGISTER, input=_profile()))["registerOrganization"]["organization"]
    assert (
        org["sizeClass"] == "SMALL"
        and org["country"] == {"nameEs": "Ecuador"}
        and org["region"] == "south_america"
    )
    assert org["sectorDetails"] == [{"nameEn": "Cocoa and chocolate"}] and org["verification"] == "pending"
    assert org["products"] == [{"hsCode": "1806", "descriptionEs": "Chocolate"}]

    changed = (await api(UPDATE, id=org["id"], input={"employees": 60, "exportStatus": "REGULAR"}))[
        "updateOrganization"
    ]
    assert (
        changed["organization"]["sizeClass"] == "MEDIUM"
        and changed["organization"]["offers"] == "Chocolate de origen"
    )

    answers = [{"questionId": q.id, "option": "2"} for q in checkup.QUESTIONS]
    scored = (await api(CHECKUP, id=org["id"], answers=answers))["submitExportCheckup"]
    assert scored["checkup"]["score"] == 67 and len(scored["checkup"]["dimensions"]) == 6
    assert scored["organization"]["exportCheckupScore"] == 67
    assert [e["node"]["score"] for e in scored["organization"]["checkups"]["edges"]] == [67]

    stranger = await _signed_in(api)
    denied = (await api(UPDATE, token=stranger, id=org["id"], input={"offers": "x"}))["updateOrganization"]
    assert denied["__typename"] == "PermissionError" and denied["code"] == "forbidden"
    gone = await api(
        f"mutation($id: ID!) {{ deleteOrganization(id: $id) {{ __typename {FAILURE} }} }}", id=org["id"]
    )
    assert gone["deleteOrganization"]["__typename"] == "DeleteOrganizationSuccess"
    assert (await api("query($id: ID!) { organization(id: $id) { id } }", id=org["id"]))[
        "organization"
    ] is None


async def test_a_page_of_fifty_with_countries_and_sectors_costs_a_constant_number_of_calls(system):
    api, directory = system
    rows = [
        OrganizationIn.model_validate(
            {
                "kind": "sme",
                "name": f"Exportadora {i:03}",
                "country": ["EC", "PE", "CO", "MX"][i % 4],
                "sectors": [["cacao"], ["textiles", "handicrafts"], ["software-ict"]][i % 3],
            }
        )
        for i in range(120)
    ]
    async with directory.state.runtime.session() as session:
        assert (await bulk.import_organizations(rows, session=session)).imported == 120

    calls = []
    end: str | None = None
    for _ in range(2):
        directory.requests.clear()
        variables = {"q": "exportadora", "first": 50} | ({"after": end} if end else {})
        page = (await api(SEARCH, **variables))["searchOrganizations"]
        assert len(page["edges"]) == 50
        assert all(e["node"]["country"]["nameEs"] and e["node"]["sectorDetails"] for e in page["edges"])
        end = page["pageInfo"]["endCursor"]
        calls.append(sorted(directory.requests))
    # One search, one batch of sectors, and the country list — which the gateway may also serve from
    # its reference cache — whatever the page size.
    for made in calls:
        assert [c for c in made if c != "GET /countries"] == [
            "GET /organizations/search",
            "POST /sectors/batch",
        ]
        assert made.count("GET /countries") <= 1
    assert page["totalCount"] == 120 and page["exactCounts"] is True
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in page["facets"]}
    assert facets["country"] == {"EC": 30, "PE": 30, "CO": 30, "MX": 30}
    assert facets["sector"]["cacao"] == 40
    assert set(facets["kind"]) == {"SME"}  # as the kind filter takes it back


async def test_the_seeded_network_reads_through_graphql_and_contacts_need_a_member(
    tmp_path, nats_server, redis_server, namespace, signing_keys
):
    async with directory_behind_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys, seed=True
    ) as (api, _):
        data = await api("""{
          countries { iso2 }
          sectors { code parent nameEs }
          regions { code }
          exportCheckupQuestionnaire { version questions { id textEs options { code labelEn } } }
          financingProgrammes(country: "MX") { edges { node { programme instrument institution { acronym } } } }
          documents(kind: "presentation", first: 50) { edges { node { symbol title organization { name } } } }
          agencies: searchOrganizations(query: "promoción", kind: [AGENCY]) { totalCount edges { node { name } } }
          consortia: organizations(kind: CONSORTIUM) { edges { node { name memberCount figures } } }
          participants { edges { node { name email } } }
        }""")
        assert len(data["countries"]) == 249 and len(data["sectors"]) == 40
        assert len(data["exportCheckupQuestionnaire"]["questions"]) == 18
        fund = next(
            e["node"]
            for e in data["financingProgrammes"]["edges"]
            if e["node"]["programme"] == "Fondo Nacional del Emprendedor"
        )
        assert fund["institution"]["acronym"] == "INADEM"
        assert len(data["documents"]["edges"]) == 20
        assert data["agencies"]["totalCount"] >= 1
        assert any(e["node"]["memberCount"] == 8 for e in data["consortia"]["edges"])
        assert data["participants"]["edges"] == []
        # An id that names nothing is null, malformed or not, alone or beside a real one.
        missing = await api(
            '{ a: organization(id: "x") { id } b: organization(id: "00000000-0000-0000-0000-000000000000") { id } }'
        )
        assert missing == {"a": None, "b": None}

        api.token = await _signed_in(api)
        people = await api(
            "{ participants(first: 100) { edges { node { name email phone organization { acronym } } } } }"
        )
        trotman = next(
            e["node"] for e in people["participants"]["edges"] if e["node"]["name"] == "Sonja S. Trotman"
        )
        assert trotman["email"] == "strotman@bidc.org" and trotman["organization"]["acronym"] == "BIDC"

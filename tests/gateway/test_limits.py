"""Limits on what one document may ask for: each refusal names its limit with a stable code."""

from __future__ import annotations

import time

from tests.gateway.conftest import gateway_client

PAGE = "query Page { organizations(first: 20) { edges { node { id name country { iso2 } } } } }"


async def _post(client, query: str, **variables):  # type: ignore[no-untyped-def]
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    return response.status_code, response.json()


def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_a_query_nested_deeper_than_the_limit_is_refused_before_any_service_call(make_settings):
    async with gateway_client(make_settings(max_depth=3)) as client:
        status, body = await _post(client, PAGE)
    assert status == 200 and body["data"] is None
    error = body["errors"][0]
    assert error["extensions"] == {"code": "query_too_deep", "limit": 3, "actual": 5}
    assert "nested 5 levels deep; the limit is 3" in error["message"]


async def test_depth_counts_through_fragments(make_settings):
    query = """
    query Deep { organizations { ...Edges } }
    fragment Edges on OrganizationConnection { edges { node { ...Org } } }
    fragment Org on Organization { id country { iso2 } }
    """
    async with gateway_client(make_settings(max_depth=4)) as client:
        _, body = await _post(client, query)
    assert _codes(body) == ["query_too_deep"]


async def test_aliases_are_counted_through_fragment_spreads(make_settings):
    # 2 aliases in the fragment, spread twice, plus one in the operation: 5 aliases executed.
    query = """
    query Many { x: countries { iso2 } ...Two ...Two }
    fragment Two on Query { a: countries { iso2 } b: countries { iso2 } }
    """
    async with gateway_client(make_settings(max_aliases=4)) as client:
        _, body = await _post(client, query)
    assert body["errors"][0]["extensions"] == {"code": "too_many_aliases", "limit": 4, "actual": 5}


async def test_aliases_in_nested_fragments_are_counted_too(make_settings):
    query = """
    query Nested { ...Outer }
    fragment Outer on Query { organizations { edges { node { ...Inner } } } }
    fragment Inner on Organization { a: id b: id c: name }
    """
    async with gateway_client(make_settings(max_aliases=2)) as client:
        _, body = await _post(client, query)
    assert _codes(body) == ["too_many_aliases"]


async def test_cost_multiplies_nested_selections_by_the_page_size(make_settings):
    # organizations (1) + 20 x [edges (1) + node (1) + id, name (2) + country (1) + iso2 (1)] = 121
    async with gateway_client(make_settings(max_cost=120)) as client:
        _, body = await _post(client, PAGE)
    assert body["errors"][0]["extensions"] == {"code": "query_too_costly", "limit": 120, "actual": 121}
    assert "ask for smaller pages" in body["errors"][0]["message"]


async def test_cost_uses_the_declared_default_page_size_when_first_is_omitted(make_settings):
    query = "{ organizations { edges { node { id } } } }"  # first defaults to 50: 1 + 50 x 3 = 151
    async with gateway_client(make_settings(max_cost=150)) as client:
        _, body = await _post(client, query)
    assert body["errors"][0]["extensions"]["actual"] == 151


async def test_first_from_a_variable_is_costed_at_its_default_or_the_configured_page_size(make_settings):
    with_default = "query P($n: Int = 10) { organizations(first: $n) { edges { node { id } } } }"
    without = "query P($n: Int!) { organizations(first: $n) { edges { node { id } } } }"
    async with gateway_client(make_settings(max_cost=40, cost_default_page_size=100)) as client:
        _, cheap = await _post(client, with_default)
        _, costly = await _post(client, without, n=5)
    assert "query_too_costly" not in _codes(cheap)  # 31: passes the limit, then finds no directory
    assert costly["errors"][0]["extensions"]["actual"] == 301


async def test_a_fragment_bomb_is_measured_quickly_and_refused(make_settings):
    # Each fragment spreads the next one twice: 2^40 fields if expanded naively.
    fragments = (
        "\n".join(f"fragment F{i} on Organization {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
        + "\nfragment F40 on Organization { id }"
    )
    query = 'query Bomb { organization(id: "x") { ...F0 } }\n' + fragments
    async with gateway_client(make_settings(max_tokens=5000)) as client:
        started = time.perf_counter()
        _, body = await _post(client, query)
        elapsed = time.perf_counter() - started
    assert "query_too_costly" in _codes(body)
    assert elapsed < 1.0


async def test_a_document_with_too_many_tokens_is_refused_while_parsing(make_settings):
    query = "{ " + " ".join("countries { iso2 }" for _ in range(200)) + " }"
    async with gateway_client(make_settings(max_tokens=500)) as client:
        _, body = await _post(client, query)
    assert _codes(body) == ["query_too_large"]


async def test_introspection_can_be_switched_off(make_settings):
    query = "{ __schema { queryType { name } } }"
    async with gateway_client(make_settings(introspection=False)) as client:
        _, off = await _post(client, query)
        _, typename = await _post(client, "{ __typename }")
    assert _codes(off) == ["introspection_disabled"]
    assert typename == {"data": {"__typename": "Query"}}
    async with gateway_client(make_settings(introspection=True)) as client:
        _, on = await _post(client, query)
    assert on["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_an_invalid_document_gets_a_stable_code(make_settings):
    async with gateway_client(make_settings()) as client:
        _, syntax = await _post(client, "{ organizations(")
        _, unknown = await _post(client, "{ noSuchField }")
    assert _codes(syntax) == ["syntax_error"]
    assert _codes(unknown) == ["invalid_query"]


async def test_cors_allows_only_the_configured_origins(make_settings):
    settings = make_settings(cors_origins="https://app.consorcia.org, https://sela.org")
    async with gateway_client(settings) as client:
        allowed = await client.options(
            "/graphql",
            headers={
                "Origin": "https://sela.org",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        refused = await client.options(
            "/graphql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://sela.org"
    assert "access-control-allow-origin" not in refused.headers

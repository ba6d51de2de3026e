"""The lean path for JSON POSTs answers as strawberry's view does, and hands it everything else."""

from __future__ import annotations

import strawberry

from gateway.limits import schema_extensions
from tests.gateway.conftest import gateway_client


@strawberry.type
class Probe:
    @strawberry.field
    def hello(self, info: strawberry.Info, name: str = "mundo") -> str:
        info.context.response.headers["x-probe"] = "seen"
        return f"hola {name}"


@strawberry.type
class ProbeMutation:
    @strawberry.mutation
    def shout(self, word: str) -> str:
        return word.upper()


def probe_schema(settings) -> strawberry.Schema:  # type: ignore[no-untyped-def]
    return strawberry.Schema(query=Probe, mutation=ProbeMutation, extensions=schema_extensions(settings))


async def test_post_and_get_answer_alike_and_resolvers_can_set_headers(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        post = await client.post(
            "/graphql", json={"query": "query H($n: String!) { hello(name: $n) }", "variables": {"n": "Lima"}}
        )
        get = await client.get("/graphql", params={"query": "{ hello }"})
        mutation = await client.post("/graphql", json={"query": 'mutation { shout(word: "feria") }'})
    assert post.json() == {"data": {"hello": "hola Lima"}} and post.headers["x-probe"] == "seen"
    assert post.headers["content-type"] == "application/json"
    assert get.json() == {"data": {"hello": "hola mundo"}}
    assert mutation.json() == {"data": {"shout": "FERIA"}}


async def test_what_the_lean_path_does_not_handle_gets_strawberrys_answers(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        broken = await client.post(
            "/graphql", content=b"{not json", headers={"content-type": "application/json"}
        )
        no_query = await client.post("/graphql", json={"variables": {}})
        unknown_operation = await client.post(
            "/graphql", json={"query": "query A { hello }", "operationName": "B"}
        )
        mutation_by_get = await client.get("/graphql", params={"query": 'mutation { shout(word: "x") }'})
    assert broken.status_code == 400
    assert no_query.status_code == 400
    assert unknown_operation.status_code == 400
    assert mutation_by_get.status_code == 400


async def test_validation_errors_and_variables_are_checked_on_the_lean_path(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        missing = await client.post("/graphql", json={"query": "query H($n: String!) { hello(name: $n) }"})
        wrong = await client.post("/graphql", json={"query": '{ hello(nombre: "x") }'})
    assert missing.status_code == 200 and missing.json()["data"] is None
    assert missing.json()["errors"][0]["extensions"] == {"code": "invalid_variables"}
    assert "Variable '$n'" in missing.json()["errors"][0]["message"]
    assert wrong.json()["errors"][0]["extensions"]["code"] == "invalid_query"


async def test_get_requests_are_rate_limited_too(make_settings):
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_burst=1)
    async with gateway_client(settings, probe_schema(settings)) as client:
        first = await client.get("/graphql", params={"query": "{ hello }"})
        second = await client.get("/graphql", params={"query": "{ hello }"})
    assert first.status_code == 200
    assert second.status_code == 429 and second.json()["errors"][0]["extensions"]["code"] == "rate_limited"


async def test_a_request_handed_to_the_full_stack_is_counted_once(make_settings):
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_burst=2)
    async with gateway_client(settings, probe_schema(settings)) as client:
        handed_over = await client.post("/graphql", json={"query": "query A { hello }", "operationName": "B"})
        plain = await client.post("/graphql", json={"query": "{ hello }"})
    assert handed_over.status_code == 400  # strawberry's answer: counted by the lean path only
    assert plain.status_code == 200

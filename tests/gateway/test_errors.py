"""The errors model: typed results pass, expected failures keep their code, the unexpected is masked."""

from __future__ import annotations

import json

import strawberry

from gateway.clients import ServiceError
from gateway.errors import NotFoundError, from_service_error
from gateway.limits import schema_extensions
from gateway.schema import GatewaySchema
from shared.errors import DomainError
from tests.gateway.conftest import gateway_client


@strawberry.type
class Probe:
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("password=hunter2 in /srv/gateway/secret.py")

    @strawberry.field
    def forbidden(self) -> str:
        raise DomainError("forbidden", "only moderators may do this")

    @strawberry.field
    def missing(self) -> NotFoundError | None:
        return NotFoundError(code="organization_not_found", message="no such organization", id="x")


def probe_schema(settings) -> strawberry.Schema:  # type: ignore[no-untyped-def]
    return strawberry.Schema(query=Probe, extensions=schema_extensions(settings))


async def test_an_unexpected_error_is_masked_without_trace_or_detail(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        response = await client.post("/graphql", json={"query": "{ boom }"})
    body = response.json()
    assert response.status_code == 200
    assert body["errors"][0]["extensions"] == {"code": "internal_error"}
    assert body["errors"][0]["path"] == ["boom"]
    assert "hunter2" not in response.text and "Traceback" not in response.text and ".py" not in response.text


async def test_a_domain_error_keeps_its_code_and_message(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        body = (await client.post("/graphql", json={"query": "{ forbidden }"})).json()
    assert body["errors"][0]["message"] == "only moderators may do this"
    assert body["errors"][0]["extensions"] == {"code": "forbidden"}


async def test_an_expected_typed_result_passes_untouched(make_settings):
    settings = make_settings()
    async with gateway_client(settings, probe_schema(settings)) as client:
        body = (await client.post("/graphql", json={"query": "{ missing { code message id } }"})).json()
    assert body == {
        "data": {"missing": {"code": "organization_not_found", "message": "no such organization", "id": "x"}}
    }


async def test_an_unreachable_service_reads_as_unavailable(make_settings):
    async with gateway_client(make_settings()) as client:  # the services' URLs point nowhere
        body = (await client.post("/graphql", json={"query": "{ countries { iso2 } }"})).json()
    assert body["errors"][0]["extensions"] == {"code": "unavailable"}
    assert "127.0.0.1" not in body["errors"][0]["message"]


async def test_a_clients_mistake_is_logged_without_a_trace_and_a_fault_with_one(make_settings, capsys):
    settings = make_settings()
    schema = GatewaySchema(query=Probe, extensions=schema_extensions(settings))

    def logged() -> list[dict]:
        lines = capsys.readouterr().out.splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    async with gateway_client(settings, schema) as client:
        await client.post("/graphql", json={"query": "{ forbidden }"})
        await client.post("/graphql", json={"query": "{ noSuchField }"})
        refusals = logged()
        await client.post("/graphql", json={"query": "{ boom }"})
        faults = logged()
    assert [r["level"] for r in refusals if r["logger"] == "gateway.errors"] == ["INFO", "INFO"]
    assert not [r for r in refusals if r["level"] == "ERROR"]
    assert [r for r in faults if r["level"] == "ERROR" and "hunter2" in json.dumps(r)]


def test_a_refusal_names_the_inputs_as_the_schema_spells_them():
    def fields(code: str, message: str, details: dict) -> list[tuple[str, str]]:
        error = from_service_error(ServiceError(422, code, message, details))
        return [(f.field, f.problem) for f in error.fields]

    listed = {"fields": [{"field": "display_name", "problem": "String should have at least 1 character"}]}
    assert fields("validation_error", "the request is not valid", listed) == [
        ("displayName", "String should have at least 1 character")
    ]
    too_long = {"field": "title", "limit": 200, "length": 201}
    assert fields("text_too_long", "title is 201 characters; at most 200", too_long) == [
        ("title", "title is 201 characters; at most 200")
    ]
    unknown = {"sectors": ["nope"], "allowed": ["cacao"]}
    assert fields("unknown_sector", "unknown sector: nope", unknown) == [("sectors", "unknown_sector: nope")]

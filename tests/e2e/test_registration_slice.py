"""The first slice through the running system: GraphQL -> directory -> outbox -> JetStream -> matching."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.infra import eventually

REGISTER = """
mutation Register($input: RegisterOrganizationInput!) {
  registerOrganization(input: $input) {
    __typename
    ... on RegisterOrganizationSuccess { organization { id name kind country { iso2 nameEs } } }
    ... on Error { code message }
    ... on ValidationError { fields { field problem } }
  }
}
"""
SIGN_UP = """mutation($email: String!) {
  signUp(input: {email: $email, password: "a long enough secret", displayName: "Slice"}) { ... on AuthPayload { accessToken } }
}"""
READ = "query Read($id: ID!) { organization(id: $id) { id name countryCode country { nameEn } } }"


async def _gql(client: httpx.AsyncClient, url: str, query: str, **variables):  # type: ignore[no-untyped-def]
    response = await client.post(url, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_registered_organization_reaches_matching_exactly_once(system):
    name = f"Cacao del Sur {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=10) as client:
        # Registering needs a signed-in person: they become the organization's manager.
        signed_up = await _gql(client, system.graphql, SIGN_UP, email=f"{uuid.uuid4().hex[:8]}@example.org")
        client.headers["Authorization"] = f"Bearer {signed_up['signUp']['accessToken']}"
        data = await _gql(
            client, system.graphql, REGISTER, input={"kind": "SME", "name": name, "country": "ec"}
        )
        result = data["registerOrganization"]
        assert result["__typename"] == "RegisterOrganizationSuccess"
        org = result["organization"]
        assert org["country"] == {"iso2": "EC", "nameEs": "Ecuador"}

        read = await _gql(client, system.graphql, READ, id=org["id"])
        assert read["organization"]["name"] == name

        async def projected():  # type: ignore[no-untyped-def]
            r = await client.get(f"{system.urls['matching']}/read-model/organizations/{org['id']}")
            return r.json() if r.status_code == 200 else None

        projection = await eventually(projected, timeout=10)
        assert projection["name"] == name and projection["country"] == "EC"
        # Applied once: the projection still names the event that created it, and matching counted one.
        await asyncio.sleep(0.5)
        metrics = (await client.get(f"{system.urls['matching']}/metrics")).text
        applied = [
            line
            for line in metrics.splitlines()
            if line.startswith("consorcia_events_handled_total")
            and 'outcome="applied"' in line
            and "registered" in line
        ]
        assert applied and float(applied[0].rsplit(" ", 1)[1]) >= 1.0


async def test_duplicate_and_invalid_registrations_are_typed_errors(system):
    name = f"Textiles Andinos {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=10) as client:
        signed_up = await _gql(client, system.graphql, SIGN_UP, email=f"{uuid.uuid4().hex[:8]}@example.org")
        client.headers["Authorization"] = f"Bearer {signed_up['signUp']['accessToken']}"
        first = await _gql(
            client, system.graphql, REGISTER, input={"kind": "SME", "name": name, "country": "PE"}
        )
        assert first["registerOrganization"]["__typename"] == "RegisterOrganizationSuccess"
        again = await _gql(
            client, system.graphql, REGISTER, input={"kind": "SME", "name": name.upper(), "country": "PE"}
        )
        assert again["registerOrganization"]["__typename"] == "ConflictError"
        assert again["registerOrganization"]["code"] == "duplicate_organization"
        bad = await _gql(
            client, system.graphql, REGISTER, input={"kind": "SME", "name": "Nowhere Ltd", "country": "QQ"}
        )
        assert bad["registerOrganization"]["code"] == "unknown_country"


async def test_unknown_organization_reads_as_null(system):
    async with httpx.AsyncClient(timeout=10) as client:
        data = await _gql(client, system.graphql, READ, id=str(uuid.uuid4()))
    assert data["organization"] is None


async def test_every_process_reports_ready_and_exposes_metrics(system):
    async with httpx.AsyncClient(timeout=10) as client:
        for name, url in system.urls.items():
            ready = await client.get(url + "/readyz")
            assert ready.status_code == 200, (name, ready.text)
            assert (await client.get(url + "/metrics")).status_code == 200

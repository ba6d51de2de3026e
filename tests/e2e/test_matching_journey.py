"""Matching's "done when", through the running gateway: an SME registers, and within seconds the owner
of a complementary SME sees it live and in its suggestions, with reasons in both languages; both accept,
and the introduction is made once."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import websockets

from tests.infra import eventually

SIGN_UP = """mutation($e: String!, $n: String!) { signUp(input: {email: $e, password: "a long enough secret",
  displayName: $n}) { ... on AuthPayload { accessToken viewer { id } } ... on Error { code message } } }"""
REGISTER = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { __typename
  ... on RegisterOrganizationSuccess { organization { id } } ... on Error { code message } } }"""
MATCHES = """query($id: ID!, $type: MatchType) { matches(organizationId: $id, type: $type, first: 10) {
  edges { cursor node { id matchType score reasonsEs reasonsEn status counterpart { id name } } }
  pageInfo { hasNextPage endCursor } } }"""
RESPOND = """mutation($m: ID!, $o: ID!) { respondToMatch(matchId: $m, organizationId: $o, response: ACCEPTED) {
  __typename ... on RespondToMatchSuccess { match { status myResponse theirResponse } } ... on Error { code } } }"""


async def _gql(client: httpx.AsyncClient, url: str, query: str, token: str | None = None, **variables):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _sme(name: str, code: str, es: str, en: str, offers: str, seeks: str) -> dict:
    return {
        "kind": "SME",
        "name": f"{name} {uuid.uuid4().hex[:6]}",
        "country": "EC",
        "sectors": ["cacao"],
        "products": [{"hsCode": code, "descriptionEs": es, "descriptionEn": en}],
        "employees": 25,
        "exportStatus": "OCCASIONAL",
        "targetMarkets": ["DE", "NL"],
        "offers": offers,
        "seeks": seeks,
    }


async def test_a_new_sme_sees_its_complement_live_with_reasons_and_both_accept(system):
    async with httpx.AsyncClient(timeout=15) as client:
        gql = lambda query, token=None, **v: _gql(client, system.graphql, query, token, **v)  # noqa: E731
        grower = (await gql(SIGN_UP, e=f"m-{uuid.uuid4().hex[:8]}@example.org", n="Rosa"))["signUp"][
            "accessToken"
        ]
        maker = (await gql(SIGN_UP, e=f"m-{uuid.uuid4().hex[:8]}@example.org", n="Luis"))["signUp"][
            "accessToken"
        ]
        beans = await gql(
            REGISTER,
            grower,
            input=_sme(
                "Cacao Fino",
                "180100",
                "cacao en grano fino de aroma",
                "fine flavour cocoa beans",
                "cacao fino de aroma",
                "chocolateros",
            ),
        )
        assert beans["registerOrganization"]["__typename"] == "RegisterOrganizationSuccess", beans
        beans_id = beans["registerOrganization"]["organization"]["id"]

        async def projected():  # type: ignore[no-untyped-def]
            r = await client.get(f"{system.urls['matching']}/read-model/organizations/{beans_id}")
            return r.status_code == 200

        await eventually(projected, timeout=10)
        ws_url = system.graphql.replace("http://", "ws://")
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {grower}"}})
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": "subscription($o: ID!) { matches(organizationId: $o) { matchType score reasonsEn counterpart { name } } }",
                            "variables": {"o": beans_id},
                        },
                    }
                )
            )
            await asyncio.sleep(0.5)  # listening before the complement registers

            bars = await gql(
                REGISTER,
                maker,
                input=_sme(
                    "Chocolates Quito",
                    "180632",
                    "barras de chocolate",
                    "chocolate bars",
                    "barras de chocolate orgánico",
                    "cacao fino de aroma",
                ),
            )
            bars_id = bars["registerOrganization"]["organization"]["id"]
            pushed = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
            assert pushed["type"] == "next", pushed
            live = pushed["payload"]["data"]["matches"]
            assert live["counterpart"]["name"].startswith("Chocolates Quito") and live["reasonsEn"]

        async def suggested():  # type: ignore[no-untyped-def]
            edges = (await gql(MATCHES, maker, id=bars_id))["matches"]["edges"]
            return edges if any(e["node"]["counterpart"]["id"] == beans_id for e in edges) else None

        edges = await eventually(suggested, timeout=10)
        partner = next(
            e["node"]
            for e in edges
            if e["node"]["counterpart"]["id"] == beans_id and e["node"]["matchType"] == "PARTNER"
        )
        assert 0 < partner["score"] <= 1
        assert any("complementary products" in r for r in partner["reasonsEn"])
        assert any("productos complementarios" in r for r in partner["reasonsEs"])
        assert any("Germany" in r for r in partner["reasonsEn"]) and any(
            "Alemania" in r for r in partner["reasonsEs"]
        )
        supplier = (await gql(MATCHES, maker, id=bars_id, type="SUPPLIER"))["matches"]["edges"]
        # The e2e tests share one running system: other tests may add suppliers of their own.
        assert beans_id in [e["node"]["counterpart"]["id"] for e in supplier]

        # Someone else's suggestions are not for a stranger to read.
        stranger = (await gql(SIGN_UP, e=f"m-{uuid.uuid4().hex[:8]}@example.org", n="X"))["signUp"][
            "accessToken"
        ]
        refused = await client.post(
            system.graphql,
            json={"query": MATCHES, "variables": {"id": bars_id}},
            headers={"Authorization": f"Bearer {stranger}"},
        )
        assert refused.json().get("errors")

        first = (await gql(RESPOND, maker, m=partner["id"], o=bars_id))["respondToMatch"]
        assert first["match"] == {"status": "open", "myResponse": "accepted", "theirResponse": "pending"}
        second = (await gql(RESPOND, grower, m=partner["id"], o=beans_id))["respondToMatch"]
        assert second["match"]["status"] == "introduced", second

"""Notifications' and matching's "done when", through the running gateway: an administrator makes an
agency officer, who subscribes to match alerts for a sector and country (in-app, immediate e-mail and a
webhook); two complementary SMEs register; the officer sees the alert live, finds it in the mail sink,
and a local receiver gets a delivery that the Standard Webhooks library verifies. The SMEs' owners see
the suggestion with reasons, both accept, and both are told of the introduction."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import websockets
from standardwebhooks import Webhook

from tests.infra import eventually

PASSWORD = "a long enough secret"
SESSION = "... on AuthPayload { accessToken viewer { id email roles } } ... on Error { code message }"
SIGN_UP = f"""mutation($e: String!) {{ signUp(input: {{email: $e, password: "{PASSWORD}",
  displayName: "Persona"}}) {{ {SESSION} }} }}"""
SIGN_IN = f'mutation($e: String!) {{ signIn(email: $e, password: "{PASSWORD}") {{ {SESSION} }} }}'
REGISTER = """mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { __typename
  ... on RegisterOrganizationSuccess { organization { id } } ... on Error { code message } } }"""
GRANT = """mutation($u: ID!, $a: ID!) { grantRoles(userId: $u, roles: ["member", "agency_officer"], agencyId: $a) {
  __typename ... on Viewer { roles agencyId } ... on Error { code message } } }"""
WEBHOOK = """mutation($target: String!) { createWebhookEndpoint(input: {url: $target, kinds: ["match.found"]}) {
  __typename ... on WebhookEndpointSuccess { endpoint { id secret } } ... on Error { code message } } }"""
SUBSCRIBE = """mutation($c: String!) { subscribeToNotifications(input: {kind: "match.found",
  filters: {countries: [$c], sectors: ["leather-footwear"]}, inApp: true, email: IMMEDIATE, webhook: true}) {
  __typename ... on SubscriptionSuccess { subscription { id } } ... on Error { code message } } }"""
MATCHES = """query($id: ID!) { matches(organizationId: $id, first: 10) {
  edges { node { id matchType score reasonsEs reasonsEn status counterpart { id } } } } }"""
RESPOND = """mutation($m: ID!, $o: ID!) { respondToMatch(matchId: $m, organizationId: $o, response: ACCEPTED) {
  __typename ... on RespondToMatchSuccess { match { status } } ... on Error { code message } } }"""
INBOX = "{ notifications(first: 50) { edges { node { kind title data } } } }"
LIVE = "subscription { notifications { id kind title itemCount data } }"
# A country and a value chain no other end-to-end test uses: the officer's alerts are ours, and these
# SMEs are nobody else's suggestions.
COUNTRY = "PE"


class _Receiver(BaseHTTPRequestHandler):
    deliveries: list[tuple[bytes, dict[str, str]]]

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.deliveries.append((body, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    """A real HTTP server on 127.0.0.1 that keeps every delivery it is sent."""
    deliveries: list[tuple[bytes, dict[str, str]]] = []
    handler = type("Receiver", (_Receiver,), {"deliveries": deliveries})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/crm/alerts", deliveries
    finally:
        server.shutdown()
        server.server_close()


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
        "name": name,
        "country": COUNTRY,
        "sectors": ["leather-footwear"],
        "products": [{"hsCode": code, "descriptionEs": es, "descriptionEn": en}],
        "employees": 25,
        "exportStatus": "OCCASIONAL",
        "targetMarkets": ["DE", "NL"],
        "offers": offers,
        "seeks": seeks,
    }


def _make_admin(system, email: str) -> None:  # type: ignore[no-untyped-def]
    """The operator's command, as after a fresh install, against the running directory's database."""
    env = os.environ | {
        "CONSORCIA_DIRECTORY_DATABASE_URL": f"sqlite+aiosqlite:///{system.logs / 'directory'}.db"
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.directory.accounts.admin", email, "admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr


def _mail_to(system, address: str, needle: str) -> list:  # type: ignore[no-untyped-def]
    found = []
    for path in sorted(system.mail_dir.glob("**/*.eml")) if system.mail_dir.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]):
            text = message.get_body(preferencelist=("plain",))
            if text is not None and needle in text.get_content():
                found.append(message)
    return found


async def test_an_agency_officer_is_alerted_live_by_mail_and_webhook_and_the_smes_are_introduced(
    system, webhook_receiver
):
    hook_url, deliveries = webhook_receiver
    tag = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(timeout=15) as client:
        gql = lambda query, token=None, **v: _gql(client, system.graphql, query, token, **v)  # noqa: E731

        async def account(prefix: str) -> tuple[str, str, str]:
            email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"
            signed = (await gql(SIGN_UP, e=email))["signUp"]
            assert "accessToken" in signed, signed
            return email, signed["accessToken"], signed["viewer"]["id"]

        # An administrator, made by the operator's command, registers an agency and names its officer.
        admin_email, _, _ = await account("admin")
        _make_admin(system, admin_email)
        admin = (await gql(SIGN_IN, e=admin_email))["signIn"]
        assert "admin" in admin["viewer"]["roles"], admin
        agency = (
            await gql(
                REGISTER,
                admin["accessToken"],
                input={"kind": "AGENCY", "name": f"PromPerú {tag}", "country": COUNTRY},
            )
        )["registerOrganization"]
        assert agency["__typename"] == "RegisterOrganizationSuccess", agency
        officer_email, _, officer_id = await account("officer")
        granted = (await gql(GRANT, admin["accessToken"], u=officer_id, a=agency["organization"]["id"]))[
            "grantRoles"
        ]
        assert granted["__typename"] == "Viewer" and "agency_officer" in granted["roles"], granted
        officer = (await gql(SIGN_IN, e=officer_email))["signIn"]["accessToken"]

        # The officer's CRM endpoint and a subscription to leather and footwear matches in the country, on every channel.
        endpoint = (await gql(WEBHOOK, officer, target=hook_url))["createWebhookEndpoint"]
        assert endpoint["__typename"] == "WebhookEndpointSuccess", endpoint
        secret = endpoint["endpoint"]["secret"]
        subscribed = (await gql(SUBSCRIBE, officer, c=COUNTRY))["subscribeToNotifications"]
        assert subscribed["__typename"] == "SubscriptionSuccess", subscribed

        tanner_email, tanner, _ = await account("tanner")
        shoemaker_email, shoemaker, _ = await account("shoemaker")
        hides_name, shoes_name = f"Curtiembre Arequipa {tag}", f"Calzado Trujillo {tag}"

        # Two SMEs of the country and sector with complementary products, each by its own owner.
        hides = (
            await gql(
                REGISTER,
                tanner,
                input=_sme(
                    hides_name,
                    "4107",
                    "cuero bovino curtido",
                    "tanned bovine leather",
                    "cuero curtido al vegetal",
                    "fabricantes de calzado",
                ),
            )
        )["registerOrganization"]
        assert hides["__typename"] == "RegisterOrganizationSuccess", hides

        ws_url = system.graphql.replace("http://", "ws://")
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {officer}"}})
            )
            assert json.loads(await asyncio.wait_for(ws.recv(), timeout=5))["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": LIVE}}))

            # The alert comes from the second registration, made while the officer listens.
            shoes = (
                await gql(
                    REGISTER,
                    shoemaker,
                    input=_sme(
                        shoes_name,
                        "6403",
                        "zapatos de cuero",
                        "leather shoes",
                        "calzado de cuero hecho a mano",
                        "cuero curtido al vegetal",
                    ),
                )
            )["registerOrganization"]
            assert shoes["__typename"] == "RegisterOrganizationSuccess", shoes
            hides_id, shoes_id = hides["organization"]["id"], shoes["organization"]["id"]

            # The alert arrives live, within seconds of the second registration.
            async def alert() -> dict:
                while True:
                    message = json.loads(await ws.recv())
                    assert message["type"] == "next", message
                    note = message["payload"]["data"]["notifications"]
                    if note["kind"] == "match.found" and {hides_id, shoes_id} == {
                        note["data"].get("organization_id"),
                        note["data"].get("counterpart_id"),
                    }:
                        return note

            live = await asyncio.wait_for(alert(), timeout=10)
            assert live["itemCount"] >= 1 and live["data"]["reasons_en"], live

        # The officer's immediate e-mail lands in the mail sink.
        async def mailed():  # type: ignore[no-untyped-def]
            return _mail_to(system, officer_email, shoes_name) or _mail_to(system, officer_email, hides_name)

        mail = (await eventually(mailed, timeout=10, interval=0.2))[0]
        assert mail["Subject"] and "consorcia" in str(mail["From"]).lower()

        # The CRM receiver gets a delivery whose signature the Standard Webhooks library verifies.
        async def delivered():  # type: ignore[no-untyped-def]
            return [d for d in deliveries if hides_id.encode() in d[0] and shoes_id.encode() in d[0]]

        body, headers = (await eventually(delivered, timeout=10, interval=0.1))[0]
        payload = Webhook(secret).verify(body, headers)
        assert payload["type"] == "match.found" and COUNTRY in payload["data"]["countries"]
        assert {payload["data"]["organization_id"], payload["data"]["counterpart_id"]} == {hides_id, shoes_id}
        with pytest.raises(Exception):  # noqa: B017 (any verification error will do)
            Webhook(secret).verify(body + b" ", headers)

        # Each owner sees the suggestion with reasons in both languages.
        async def suggestion(token: str, own: str, other: str):  # type: ignore[no-untyped-def]
            edges = (await gql(MATCHES, token, id=own))["matches"]["edges"]
            return next(
                (
                    e["node"]
                    for e in edges
                    if e["node"]["counterpart"]["id"] == other and e["node"]["matchType"] == "PARTNER"
                ),
                None,
            )

        for_shoemaker = await eventually(lambda: suggestion(shoemaker, shoes_id, hides_id), timeout=10)
        for_tanner = await eventually(lambda: suggestion(tanner, hides_id, shoes_id), timeout=10)
        assert for_shoemaker["id"] == for_tanner["id"] and 0 < for_shoemaker["score"] <= 1
        assert any("complementary products" in r for r in for_shoemaker["reasonsEn"]), for_shoemaker
        assert any("productos complementarios" in r for r in for_shoemaker["reasonsEs"]), for_shoemaker

        # One accepts, then the other; both are told of the introduction.
        first = (await gql(RESPOND, shoemaker, m=for_shoemaker["id"], o=shoes_id))["respondToMatch"]
        assert first == {"__typename": "RespondToMatchSuccess", "match": {"status": "open"}}, first
        second = (await gql(RESPOND, tanner, m=for_tanner["id"], o=hides_id))["respondToMatch"]
        assert second["match"]["status"] == "introduced", second

        async def introduced(token: str):  # type: ignore[no-untyped-def]
            edges = (await gql(INBOX, token))["notifications"]["edges"]
            return [
                e["node"]
                for e in edges
                if e["node"]["kind"] == "introduction.accepted"
                and e["node"]["data"].get("match_id") == for_shoemaker["id"]
            ]

        for token in (shoemaker, tanner):
            notes = await eventually(lambda: introduced(token), timeout=10, interval=0.1)  # noqa: B023
            assert len(notes) == 1, notes

"""Notifications through the gateway: GraphQL inbox, subscriptions, webhooks, and the live `notifications` feed."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
import websockets

from gateway.config import GatewaySettings
from gateway.main import build_app as build_gateway
from shared.events.forum import UserMentioned
from tests.gateway.conftest import gateway_server
from tests.infra import free_port

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def graphql_gateway(n, redis_url: str) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:  # type: ignore[no-untyped-def]
    async with on_socket(n.app) as service_host:  # already started by the fixture: no second lifespan
        settings = GatewaySettings(
            nats_url=n.settings.nats_url,
            redis_url=redis_url,
            namespace=n.settings.namespace,
            jwt_public_key=n.settings.jwt_public_key,
            notifications_url=f"http://{service_host}",
            rate_limit_enabled=False,
        )
        async with gateway_server(build_gateway(settings)) as host:
            async with httpx.AsyncClient(base_url=f"http://{host}") as client:
                yield host, client


@asynccontextmanager
async def on_socket(app) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


async def gql(client: httpx.AsyncClient, token: str, query: str, **variables):  # type: ignore[no-untyped-def]
    r = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body = r.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def notifications_overrides():  # type: ignore[no-untyped-def]
    return {"run_workers": True}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_officer_manages_alerts_and_webhooks_through_graphql(notifications, redis_server):
    n = notifications
    officer = uuid.uuid4()
    token = n.headers(officer, "agency_officer")["authorization"].split()[1]
    async with graphql_gateway(n, redis_server.url) as (_, client):
        created = await gql(
            client,
            token,
            """
            mutation { subscribeToNotifications(input: {kind: "match.found", email: DAILY,
                filters: {countries: ["CR"], sectors: ["cacao"], minScore: 0.6}}) {
              __typename ... on SubscriptionSuccess { subscription { id kind email filters { countries minScore } } }
            } }""",
        )
        sub = created["subscribeToNotifications"]["subscription"]
        assert sub["email"] == "DAILY" and sub["filters"] == {"countries": ["CR"], "minScore": 0.6}

        refused = await gql(
            client,
            token,
            """
            mutation { subscribeToNotifications(input: {kind: "match.found", filters: {topics: ["x"]}}) {
              __typename ... on ValidationError { code } } }""",
        )
        assert refused["subscribeToNotifications"] == {
            "__typename": "ValidationError",
            "code": "invalid_filter",
        }

        forbidden = await gql(
            client,
            token,
            """
            mutation { createWebhookEndpoint(input: {url: "http://10.0.0.5/crm", kinds: ["match.found"]}) {
              __typename ... on ValidationError { code message } } }""",
        )
        assert forbidden["createWebhookEndpoint"]["code"] == "webhook_target_forbidden"

        listed = await gql(
            client,
            token,
            "{ notificationSubscriptions { edges { node { kind } } } "
            "notificationPreferences { language emailEnabled digestHour } "
            "webhookEndpoints { id } }",
        )
        assert [e["node"]["kind"] for e in listed["notificationSubscriptions"]["edges"]] == ["match.found"]
        assert listed["webhookEndpoints"] == []

        await n.publish(
            UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=officer)
        )
        await n.wait_for_inbox(officer, 1)
        inbox = await gql(
            client,
            token,
            "{ notifications(first: 5) { edges { node { id kind read itemCount } } } "
            "unreadNotificationCount }",
        )
        assert inbox["unreadNotificationCount"] == 1
        assert inbox["notifications"]["edges"][0]["node"]["kind"] == "forum.mention"
        marked = await gql(client, token, "mutation { markAllNotificationsRead { marked unread } }")
        assert marked["markAllNotificationsRead"] == {"marked": 1, "unread": 0}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_notifications_subscription_pushes_to_the_signed_in_user_only(notifications, redis_server):
    n = notifications
    ana, other = uuid.uuid4(), uuid.uuid4()
    token = n.headers(ana)["authorization"].split()[1]
    async with graphql_gateway(n, redis_server.url) as (host, _):
        async with websockets.connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL]) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": "subscription { notifications { id kind title itemCount read } }"
                        },
                    }
                )
            )
            await asyncio.sleep(0.3)  # the gateway's NATS interest is registered
            await n.publish(
                UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=other)
            )
            await n.publish(
                UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=ana)
            )
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            assert message["type"] == "next"
            pushed = message["payload"]["data"]["notifications"]
            assert pushed["kind"] == "forum.mention" and pushed["itemCount"] == 1 and pushed["read"] is False
            with pytest.raises(TimeoutError):  # the other person's mention never reaches Ana
                await asyncio.wait_for(ws.recv(), timeout=0.5)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_anonymous_client_cannot_watch_notifications(notifications, redis_server):
    n = notifications
    async with graphql_gateway(n, redis_server.url) as (host, _):
        async with websockets.connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": "subscription { notifications { id } }"},
                    }
                )
            )
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "unauthenticated"

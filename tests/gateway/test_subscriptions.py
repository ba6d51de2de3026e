"""graphql-transport-ws over a real socket: the handshake, its close codes, the caps, and live feeds."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from gateway.main import build_app
from tests.gateway.conftest import gateway_server, token_for
from tests.gateway.live_schema import build_live_schema, news_subject
from tests.infra import eventually

PROTOCOL = "graphql-transport-ws"
NEWS = "subscription News($topic: String!) { news(topic: $topic) }"


@pytest.fixture
async def live_gateway(make_settings):  # type: ignore[no-untyped-def]
    async def start(**overrides):  # type: ignore[no-untyped-def]
        settings = make_settings(**overrides)
        app = build_app(settings, build_live_schema(settings))
        return settings, app, gateway_server(app)

    return start


async def _connect(host: str, **kwargs):  # type: ignore[no-untyped-def]
    return await websockets.connect(f"ws://{host}/graphql", subprotocols=[PROTOCOL], **kwargs)


async def _closed_with(ws) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), timeout=5)
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def _init(ws, payload: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))


async def _subscribe(ws, op_id: str, query: str, **variables) -> None:  # type: ignore[no-untyped-def]
    await ws.send(
        json.dumps({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}})
    )


async def test_a_malformed_message_closes_with_4400(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await _init(ws)
        await ws.send(json.dumps({"type": "no_such_type"}))
        assert (await _closed_with(ws))[0] == 4400


async def test_a_message_that_is_not_json_closes_with_4400(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await ws.send("{not json")
        assert (await _closed_with(ws))[0] == 4400


async def test_subscribing_before_the_acknowledgement_closes_with_4401(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await _subscribe(ws, "1", NEWS, topic="x")
        assert await _closed_with(ws) == (4401, "Unauthorized")


async def test_no_init_within_the_timeout_closes_with_4408(live_gateway):
    _, _, server = await live_gateway(ws_init_timeout_s=0.3)
    async with server as host, await _connect(host) as ws:
        code, reason = await _closed_with(ws)
    assert (code, reason) == (4408, "Connection initialisation timeout")


async def test_a_duplicate_subscriber_id_closes_with_4409(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await _init(ws)
        await _subscribe(ws, "same", NEWS, topic="a")
        await _subscribe(ws, "same", NEWS, topic="b")
        assert await _closed_with(ws) == (4409, "Subscriber for same already exists")


async def test_a_second_init_closes_with_4429(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await _init(ws)
        await ws.send(json.dumps({"type": "connection_init"}))
        assert await _closed_with(ws) == (4429, "Too many initialisation requests")


async def test_an_invalid_token_at_init_closes_with_4403(live_gateway):
    _, _, server = await live_gateway()
    async with server as host, await _connect(host) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer not-a-jwt"}})
        )
        assert await _closed_with(ws) == (4403, "Forbidden")


async def test_the_legacy_graphql_ws_protocol_is_refused(live_gateway):
    _, _, server = await live_gateway()
    async with server as host:
        async with websockets.connect(f"ws://{host}/graphql", subprotocols=["graphql-ws"]) as ws:
            assert ws.subprotocol is None
            assert (await _closed_with(ws))[0] == 4406


async def test_an_anonymous_connection_gets_public_feeds_but_not_private_ones(live_gateway):
    settings, app, server = await live_gateway()
    topic = uuid.uuid4().hex
    async with server as host, await _connect(host) as ws:
        assert await _init(ws) == {"type": "connection_ack", "payload": {"authenticated": False}}
        await _subscribe(ws, "private", "subscription { whoami }")
        refused = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        assert refused["id"] == "private"
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "unauthenticated"
        if refused["type"] == "next":
            assert json.loads(await ws.recv()) == {"id": "private", "type": "complete"}

        await _subscribe(ws, "news", NEWS, topic=topic)
        await eventually(lambda: _feeds(app, 1))
        nc = await nats.connect(settings.nats_url)
        try:
            await nc.publish(news_subject(settings, topic), json.dumps({"text": "feria en Lima"}).encode())
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        finally:
            await nc.close()
        assert message == {"id": "news", "type": "next", "payload": {"data": {"news": "feria en Lima"}}}

        await ws.send(json.dumps({"id": "news", "type": "complete"}))
        await eventually(lambda: _feeds(app, 0))  # the NATS interest is released at once


async def _feeds(app, count: int) -> bool:  # type: ignore[no-untyped-def]
    return app.state.live.open_feeds == count


@pytest.mark.parametrize("style", ["authorization", "token"])
async def test_a_token_at_init_identifies_the_connection(live_gateway, issuer, style):
    _, _, server = await live_gateway()
    user_id = str(uuid.uuid4())
    token = token_for(issuer, user_id)
    payload = {"Authorization": f"Bearer {token}"} if style == "authorization" else {"token": token}
    async with server as host, await _connect(host) as ws:
        assert (await _init(ws, payload))["payload"] == {"authenticated": True}
        await _subscribe(ws, "me", "subscription { whoami }")
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
    assert message["payload"] == {"data": {"whoami": user_id}}


async def test_subscriptions_per_connection_are_capped(live_gateway):
    _, app, server = await live_gateway(ws_max_subscriptions=2)
    async with server as host, await _connect(host) as ws:
        await _init(ws)
        await _subscribe(ws, "1", NEWS, topic="a")
        await _subscribe(ws, "2", NEWS, topic="b")
        await _subscribe(ws, "3", NEWS, topic="c")
        refused = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        assert refused["id"] == "3" and refused["type"] == "error"
        assert refused["payload"][0]["message"] == "Subscription limit reached"
        await eventually(lambda: _feeds(app, 2))
        # Completing one frees its slot.
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await eventually(lambda: _feeds(app, 1))
        await _subscribe(ws, "4", NEWS, topic="d")
        await eventually(lambda: _feeds(app, 2))

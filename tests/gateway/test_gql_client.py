"""A real third-party client (gql's WebsocketsTransport) subscribes, authenticated at connection_init."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from gateway.main import build_app
from tests.gateway.conftest import gateway_server, token_for
from tests.gateway.live_schema import build_live_schema, news_subject
from tests.infra import eventually


async def test_gql_client_receives_live_pushes_and_its_identity(make_settings, issuer):
    settings = make_settings()
    app = build_app(settings, build_live_schema(settings))
    user_id = str(uuid.uuid4())
    topic = uuid.uuid4().hex
    async with gateway_server(app) as host:
        transport = WebsocketsTransport(
            url=f"ws://{host}/graphql",
            init_payload={"Authorization": f"Bearer {token_for(issuer, user_id)}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            assert transport.subprotocol == "graphql-transport-ws"
            whoami = session.subscribe(gql("subscription { whoami }"))
            assert (await anext(whoami)) == {"whoami": user_id}
            await whoami.aclose()

            news = session.subscribe(
                gql("subscription N($t: String!) { news(topic: $t) }"), variable_values={"t": topic}
            )
            first = asyncio.ensure_future(anext(news))
            await eventually(lambda: _open(app))
            nc = await nats.connect(settings.nats_url)
            try:
                await nc.publish(
                    news_subject(settings, topic), json.dumps({"text": "rueda de negocios"}).encode()
                )
            finally:
                await nc.close()
            assert (await asyncio.wait_for(first, timeout=5)) == {"news": "rueda de negocios"}
            await news.aclose()


async def _open(app) -> bool:  # type: ignore[no-untyped-def]
    return app.state.live.open_feeds >= 1


async def test_gql_client_without_a_token_is_refused_private_feeds(make_settings):
    settings = make_settings()
    app = build_app(settings, build_live_schema(settings))
    async with gateway_server(app) as host:
        transport = WebsocketsTransport(url=f"ws://{host}/graphql")
        async with Client(transport=transport) as session:
            try:
                async for _ in session.subscribe(gql("subscription { whoami }")):
                    raise AssertionError("an anonymous connection read a private feed")
            except TransportQueryError as exc:
                assert exc.errors[0]["extensions"]["code"] == "unauthenticated"
            else:
                raise AssertionError("expected a refusal")

"""A schema for the WebSocket tests: the real Query plus one public and one private subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry

from gateway.config import GatewaySettings
from gateway.limits import schema_extensions
from gateway.schema import Query
from gateway.subscriptions import live, require_principal


def news_subject(settings: GatewaySettings, topic: str) -> str:
    return settings.subject(f"live.test.news.{topic}")


def build_live_schema(settings: GatewaySettings) -> strawberry.Schema:
    @strawberry.type
    class Subscription:
        @strawberry.subscription(description="Public: anyone may listen.")
        async def news(self, info: strawberry.Info, topic: str) -> AsyncGenerator[str, None]:
            async for payload in live(info, news_subject(settings, topic)):
                yield payload["text"]

        @strawberry.subscription(description="Private: only a signed-in connection.")
        async def whoami(self, info: strawberry.Info) -> AsyncGenerator[str, None]:
            principal = require_principal(info)
            yield str(principal.user_id)
            await asyncio.Event().wait()

    return strawberry.Schema(query=Query, subscription=Subscription, extensions=schema_extensions(settings))

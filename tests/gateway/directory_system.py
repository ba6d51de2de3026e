"""Directory on a 127.0.0.1 socket behind a request counter, and the gateway in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from gateway.config import GatewaySettings
from services.directory.config import DirectorySettings
from services.directory.main import build_app as build_directory
from tests.gateway.auth_system import GraphQL
from tests.gateway.conftest import gateway_client, gateway_server
from tests.infra import free_port


class CountingApp:
    """ASGI wrapper that records every HTTP request the gateway makes to directory."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state
        self.requests: list[str] = []
        self.query_strings: list[str] = []

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"] not in ("/healthz", "/readyz"):
            self.requests.append(f"{scope['method']} {scope['path']}")
            self.query_strings.append(scope["query_string"].decode())
        await self.app(scope, receive, send)


@asynccontextmanager
async def directory_behind_gateway(
    tmp_path: Path,
    nats_url: str,
    redis_url: str,
    namespace: str,
    keys: Any,
    *,
    seed: bool = False,
    database_url: str | None = None,
    **directory_settings: Any,
) -> AsyncIterator[tuple[GraphQL, CountingApp]]:
    directory = CountingApp(
        build_directory(
            DirectorySettings(
                database_url=database_url or f"sqlite+aiosqlite:///{tmp_path / 'directory.db'}",
                nats_url=nats_url,
                redis_url=redis_url,
                namespace=namespace,
                jwt_public_key=keys.public,
                outbox_poll_interval_s=0.2,
                seed_on_start=seed,
                **directory_settings,
            )
        )
    )
    async with gateway_server(directory) as address:  # type: ignore[arg-type]
        settings = GatewaySettings(
            nats_url=nats_url,
            redis_url=redis_url,
            namespace=namespace,
            jwt_private_key=keys.private,
            directory_url=f"http://{address}",
            **{f"{s}_url": f"http://127.0.0.1:{free_port()}" for s in ("matching", "forum", "notifications")},
            rate_limit_enabled=False,
        )
        client: httpx.AsyncClient
        async with gateway_client(settings) as client:
            yield GraphQL(client), directory

"""A real directory on a 127.0.0.1 socket and the gateway in process, signing with the session's key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from gateway.config import GatewaySettings
from services.directory.config import DirectorySettings
from services.directory.main import build_app as build_directory
from tests.gateway.conftest import gateway_client, gateway_server
from tests.infra import free_port


@asynccontextmanager
async def directory_and_gateway(
    tmp_path: Path, nats_url: str, redis_url: str, namespace: str, keys: Any, **gateway: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    directory = build_directory(
        DirectorySettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'directory.db'}",
            nats_url=nats_url,
            redis_url=redis_url,
            namespace=namespace,
            jwt_public_key=keys.public,
            outbox_poll_interval_s=0.2,
        )
    )
    async with gateway_server(directory) as address:
        settings = GatewaySettings(
            nats_url=nats_url,
            redis_url=redis_url,
            namespace=namespace,
            jwt_private_key=keys.private,
            directory_url=f"http://{address}",
            **{f"{s}_url": f"http://127.0.0.1:{free_port()}" for s in ("matching", "forum", "notifications")},
            rate_limit_enabled=False,
            **gateway,
        )
        async with gateway_client(settings) as client:
            yield client, directory


class GraphQL:
    """Posts operations; ``token`` is sent as the bearer when set."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token: str | None = None

    async def __call__(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        bearer = token or self.token
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

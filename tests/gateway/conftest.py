"""The gateway in process (ASGI, no socket) or on a real socket when a WebSocket client needs one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import strawberry
import uvicorn
from fastapi import FastAPI

from gateway.config import GatewaySettings
from gateway.main import build_app
from shared.auth import Principal, TokenIssuer, generate_keypair
from tests.infra import free_port, serve_in_process


@pytest.fixture(scope="session")
def keypair() -> tuple[str, str]:
    return generate_keypair()


@pytest.fixture
def issuer(keypair: tuple[str, str]) -> TokenIssuer:
    return TokenIssuer(keypair[0])


@pytest.fixture
def make_settings(nats_server, redis_server, namespace, keypair):  # type: ignore[no-untyped-def]
    def make(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "nats_url": nats_server.url,
            "redis_url": redis_server.url,
            "namespace": namespace,
            "jwt_public_key": keypair[1],
            # Nothing listens there: a test that reaches a service sees it unavailable.
            **{
                f"{s}_url": f"http://127.0.0.1:{free_port()}"
                for s in ("directory", "matching", "forum", "notifications")
            },
            "service_timeout_s": 1.0,
        }
        return GatewaySettings(**(values | overrides))

    return make


@asynccontextmanager
async def gateway_client(
    settings: GatewaySettings, schema: strawberry.Schema | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(settings, schema)
    async with serve_in_process(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


@asynccontextmanager
async def gateway_server(app: FastAPI) -> AsyncIterator[str]:
    """The app on a real 127.0.0.1 socket (uvicorn in this event loop); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


def token_for(issuer: TokenIssuer, user_id: str, *roles: str) -> str:
    import uuid

    return issuer.access_token(Principal(user_id=uuid.UUID(user_id), roles=frozenset(roles)))

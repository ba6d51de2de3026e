from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from services.directory.config import DirectorySettings
from services.directory.main import build_app
from tests.infra import serve_in_process


def directory_settings(
    database_url: str, nats_url: str, redis_url: str, namespace: str, **extra
) -> DirectorySettings:  # type: ignore[no-untyped-def]
    return DirectorySettings(
        database_url=database_url,
        nats_url=nats_url,
        redis_url=redis_url,
        namespace=namespace,
        outbox_poll_interval_s=0.2,
        **extra,
    )


@pytest.fixture
def make_directory(database_url, nats_server, redis_server, namespace, signing_keys):  # type: ignore[no-untyped-def]
    """Serve a directory app in process with these settings on top of the test's own (each call a
    fresh start on the same database); the client carries the app as ``client.app``."""

    @asynccontextmanager
    async def make(**extra: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = build_app(
            directory_settings(
                database_url,
                nats_server.url,
                redis_server.url,
                namespace,
                jwt_public_key=signing_keys.public,
                **extra,
            )
        )
        async with serve_in_process(app) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client

    return make


@pytest.fixture
async def directory(make_directory) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with make_directory() as client:
        yield client

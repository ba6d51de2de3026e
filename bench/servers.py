"""Throwaway servers for a benchmark: nats-server and redis-server from the wheels, PostgreSQL databases.

The same real servers the tests start (tests/infra.py), on ports the OS hands out, with their data in a
temporary folder; this module only keeps the benchmarks' (server, url) shape.
"""

from __future__ import annotations

from pathlib import Path

from tests.infra import (
    PG_BASE_URL,
    NatsServer,
    RedisServer,
    create_pg_database,
    drop_pg_database,
    free_port,
    wait_for_port,
)

__all__ = [
    "PG_BASE_URL",
    "create_pg_database",
    "drop_pg_database",
    "free_port",
    "start_nats",
    "start_redis",
    "wait_for_port",
]


def start_nats(workdir: Path) -> tuple[NatsServer, str]:
    """JetStream with fsync before every ack (sync_interval: always), as in every deployment."""
    server = NatsServer(workdir)
    server.start()
    return server, server.url


def start_redis(workdir: Path) -> tuple[RedisServer, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    server = RedisServer(workdir)
    server.start()
    return server, server.url

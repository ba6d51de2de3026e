"""A miniature service for testing the shared toolkit on real NATS and a real database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from pydantic import Field
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.config import ServiceSettings
from shared.db import create_engine, create_session_factory
from shared.events.catalog import DomainEvent, event
from shared.messaging.consumer import processed_events_table
from shared.messaging.jetstream import ensure_streams
from shared.outbox import outbox_table

metadata = MetaData()
outbox = outbox_table(metadata)
processed = processed_events_table(metadata)
applied = Table(
    "applied",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("label", String(100), nullable=False),
)


@event("toolkit", "probe", "happened")
class ProbeHappened(DomainEvent):
    """A test-only event."""

    label: str


class ProbeSettings(ServiceSettings):
    consumer_backoff_s: list[float] = Field(default_factory=lambda: [0.05, 0.05, 0.05, 0.05])
    consumer_ack_wait_s: float = 5.0
    outbox_poll_interval_s: float = 0.2


@dataclass
class Probe:
    settings: ProbeSettings
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]
    nc: NATS
    js: JetStreamContext

    async def applied_labels(self) -> list[str]:
        async with self.factory() as session:
            return list((await session.execute(select(applied.c.label).order_by(applied.c.id))).scalars())

    async def unpublished(self) -> int:
        async with self.factory() as session:
            query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            return (await session.execute(query)).scalar_one()

    async def stream_messages(self, owner: str = "toolkit") -> list:
        """Every message in a stream, read through an ephemeral ordered consumer."""
        info = await self.js.stream_info(self.settings.stream_name(owner))
        return (
            [
                await self.js.get_msg(info.config.name, seq)
                for seq in range(info.state.first_seq, info.state.last_seq + 1)
            ]
            if info.state.messages
            else []
        )


@asynccontextmanager
async def probe(database_url: str, nats_url: str, namespace: str, **overrides) -> AsyncIterator[Probe]:  # type: ignore[no-untyped-def]
    settings = ProbeSettings(database_url=database_url, nats_url=nats_url, namespace=namespace, **overrides)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    factory = create_session_factory(engine)
    nc = await nats.connect(nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    js = nc.jetstream()
    await ensure_streams(js, settings, {"toolkit"})
    try:
        yield Probe(settings, engine, factory, nc, js)
    finally:
        await nc.close()
        await engine.dispose()


def new_label() -> str:
    return uuid.uuid4().hex[:8]

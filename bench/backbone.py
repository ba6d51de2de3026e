"""Part B: the highest sustained rate of outbox -> JetStream -> idempotent consumer, in one process.

N events are written to the outbox first (not timed). Then the relay and an EventConsumer whose handler
inserts one row start together, and the clock runs until the last row is applied: events/s = N / time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import nats
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from shared.config import ServiceSettings
from shared.db import create_engine, create_session_factory
from shared.events.catalog import DomainEvent, event
from shared.messaging.consumer import EventConsumer, HandlerRegistry, processed_events_table
from shared.messaging.jetstream import ensure_streams
from shared.outbox import OutboxRelay, outbox_table, record

OWNER = "benchpipe"
metadata = MetaData()
outbox = outbox_table(metadata)
processed = processed_events_table(metadata)
applied = Table(
    "bench_applied",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("n", Integer, nullable=False),
)


@event(OWNER, "tick", "happened")
class TickHappened(DomainEvent):
    """Benchmark-only event."""

    n: int


registry = HandlerRegistry()


@registry.on(TickHappened)
async def apply_tick(event: TickHappened, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await session.execute(insert(applied).values(event_id=envelope.id, n=event.n))


@dataclass
class Throughput:
    backend: str
    events: int
    seconds: float
    published_after_s: float  # when the relay had published the last row

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def measure(database_url: str, nats_url: str, namespace: str, backend: str, events: int) -> Throughput:
    settings = ServiceSettings(database_url=database_url, nats_url=nats_url, namespace=namespace)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    factory = create_session_factory(engine)
    for start in range(0, events, 1000):
        async with factory() as session:
            for n in range(start, min(start + 1000, events)):
                await record(session, outbox, TickHappened(n=n))
            await session.commit()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_streams(js, settings, {OWNER})
    relay = OutboxRelay(session_factory=factory, table=outbox, js=js, settings=settings, service="bench")
    consumer = EventConsumer(
        js=js,
        settings=settings,
        service="bench",
        source=OWNER,
        registry=registry,
        session_factory=factory,
        processed=processed,
        durable=f"{namespace}_bench",
    )
    await consumer.start()
    started = time.perf_counter()
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    try:
        published = None
        while await _applied(factory) < events:
            if published is None and await relay.pending() == 0:
                published = time.perf_counter() - started
            if time.perf_counter() - started > 30:  # bounded: report the rate of what was applied
                events = await _applied(factory)
                break
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
    finally:
        relay.stop()
        consumer.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await nc.close()
        await engine.dispose()
    return Throughput(backend, events, elapsed, published or elapsed)


async def _applied(factory) -> int:  # type: ignore[no-untyped-def]
    async with factory() as session:
        return (await session.execute(select(func.count()).select_from(applied))).scalar_one()

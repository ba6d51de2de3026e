"""Part B, latency: what the backbone alone adds, at a fixed rate, with a producer and a consumer database.

A producer commits one event per 1/rate s through the outbox, with the relay woken by the commit as in a
service; an EventConsumer with a trivial handler applies it to another database. The clock runs from
just before the producer's commit until the consumer's transaction has committed (SQLAlchemy's
after_commit), both in this process, so the figure is the outbox + relay + JetStream (fsync) + consumer
share of an end-to-end latency, without any service's own work.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import nats
from sqlalchemy import event as sa_event
from sqlalchemy import insert

from bench.backbone import OWNER, TickHappened, applied, metadata, outbox, processed
from shared.config import ServiceSettings
from shared.db import create_engine, create_session_factory
from shared.messaging.consumer import EventConsumer, HandlerRegistry
from shared.messaging.jetstream import ensure_streams
from shared.outbox import OutboxRelay, record


@dataclass
class Latency:
    backend: str
    rate: float
    sent: int = 0
    ms: list[float] = field(default_factory=list)


async def measure(
    producer_url: str,
    consumer_url: str,
    nats_url: str,
    namespace: str,
    backend: str,
    *,
    rate: float,
    seconds: float,
) -> Latency:
    settings = ServiceSettings(database_url=producer_url, nats_url=nats_url, namespace=namespace)
    engines = [create_engine(producer_url), create_engine(consumer_url)]
    for engine in engines:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
    relay: OutboxRelay | None = None
    producer = create_session_factory(engines[0], after_outbox_commit=lambda: relay and relay.wake())
    consumer_factory = create_session_factory(engines[1])
    handled: dict[int, float] = {}

    @sa_event.listens_for(consumer_factory.kw["sync_session_class"], "after_commit")
    def _committed(session) -> None:  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        for n in session.info.pop("ticks", []):
            handled.setdefault(n, now)

    registry = HandlerRegistry()

    @registry.on(TickHappened)
    async def apply(event: TickHappened, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
        await session.execute(insert(applied).values(event_id=envelope.id, n=event.n))
        session.info.setdefault("ticks", []).append(event.n)

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_streams(js, settings, {OWNER})
    relay = OutboxRelay(session_factory=producer, table=outbox, js=js, settings=settings, service="bench")
    consumer = EventConsumer(
        js=js,
        settings=settings,
        service="bench",
        source=OWNER,
        registry=registry,
        session_factory=consumer_factory,
        processed=processed,
        durable=f"{namespace}_latency",
    )
    await consumer.start()
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    result, sent = Latency(backend, rate), {}
    try:
        await _produce(producer, 20, 50.0, {})  # warm-up: compiled statements, pools, the first fetch
        await asyncio.sleep(0.5)
        handled.clear()
        sent = await _produce(producer, int(rate * seconds), rate, sent, first=1000)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(handled) < len(sent):  # noqa: ASYNC110 (hook fills a dict)
            await asyncio.sleep(0.02)
    finally:
        relay.stop()
        consumer.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await nc.close()
        for engine in engines:
            await engine.dispose()
    result.sent = len(sent)
    result.ms = [(handled[n] - t) * 1000 for n, t in sent.items() if n in handled]
    return result


async def _produce(
    factory, count: int, rate: float, sent: dict[int, float], first: int = 0
) -> dict[int, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        async with factory() as session:
            await record(session, outbox, TickHappened(n=first + i))
            sent[first + i] = time.perf_counter()
            await session.commit()
    return sent

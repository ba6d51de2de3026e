"""Everything a running service holds: database, broker, cache, outbox relay and consumers.

The broker is joined in the background with retries, so a service starts (and keeps accepting
writes into its outbox) while NATS is away; ``/readyz`` says so until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import redis.asyncio as aioredis
from fastapi import APIRouter
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.config import ServiceSettings
from shared.db import create_engine, create_session_factory, unit_of_work
from shared.heap import settle_heap
from shared.messaging.consumer import EventConsumer, HandlerRegistry
from shared.messaging.jetstream import connect, ensure_streams
from shared.migrations import upgrade
from shared.outbox import OutboxRelay

log = logging.getLogger(__name__)
Hook = Callable[["ServiceRuntime"], Awaitable[None]]


def every(seconds: Callable[[ServiceSettings], float] | float, action: Hook, *, name: str) -> Hook:
    """A background job that runs `action` now and then every `seconds`; a failed run is logged and retried."""

    async def job(runtime: ServiceRuntime) -> None:
        interval = seconds(runtime.settings) if callable(seconds) else seconds
        while True:
            try:
                await action(runtime)
            except Exception:
                log.exception("background job failed; retrying on its next tick", extra={"job": name})
            await asyncio.sleep(interval)

    job.__name__ = name
    return job


class Worker(Protocol):
    """A long-running loop that finishes its current unit of work when asked to stop."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class ServiceSpec:
    name: str
    settings: ServiceSettings
    metadata: MetaData
    outbox: Table
    processed: Table
    migrations: Path
    routers: list[APIRouter] = field(default_factory=list)
    handlers: HandlerRegistry | None = None
    on_start: list[Hook] = field(default_factory=list)
    # Long-running jobs (sweeps, escalations, delivery workers): started after on_start, cancelled
    # first at shutdown, so they never outlive the database or the broker they use.
    background: list[Hook] = field(default_factory=list)
    # Workers that must not be cut mid-way (an e-mail half sent): asked to stop, given time, then cancelled.
    workers: list[Callable[[ServiceRuntime], Worker]] = field(default_factory=list)


class ServiceRuntime:
    def __init__(self, spec: ServiceSpec) -> None:
        self.spec = spec
        self.settings = spec.settings
        self.engine: AsyncEngine | None = None
        self.session_factory: async_sessionmaker[AsyncSession] | None = None
        self.redis: aioredis.Redis | None = None
        self.nc: NATS | None = None
        self.js: JetStreamContext | None = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[EventConsumer] = []
        self.broker_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._jobs: list[asyncio.Task[None]] = []
        self._workers: list[tuple[Worker, asyncio.Task[None]]] = []
        self._stopping = False

    def session(self):  # type: ignore[no-untyped-def]
        assert self.session_factory is not None
        return unit_of_work(self.session_factory)

    async def start(self) -> None:
        self.engine = create_engine(self.settings.database_url)
        if self.settings.migrate_on_start:
            await upgrade(self.engine, self.spec.migrations)
        self.session_factory = create_session_factory(self.engine, after_outbox_commit=self._wake_relay)
        self.redis = aioredis.from_url(self.settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        for hook in self.spec.on_start:
            await hook(self)
        # What start-up built is never garbage: out of the collector's full walks (shared/heap.py).
        settle_heap()
        for job in self.spec.background:
            name = f"{self.spec.name}-{getattr(job, '__name__', 'job')}"
            self._jobs.append(asyncio.create_task(job(self), name=name))
        for make_worker in self.spec.workers:
            worker = make_worker(self)
            self._workers.append((worker, asyncio.create_task(worker.run(), name=f"{self.spec.name}-worker")))
        self._tasks.append(asyncio.create_task(self._join_broker(), name=f"{self.spec.name}-broker"))

    def _wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    async def _join_broker(self) -> None:
        delay = 0.5
        while self.nc is None:
            try:
                self.nc = await connect(self.settings, name=self.spec.name)
            except Exception as exc:
                log.warning("nats unreachable, retrying", extra={"error": repr(exc), "retry_in_s": delay})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        self.js = self.nc.jetstream()
        consumed = self.spec.handlers.owners() if self.spec.handlers else set()
        owners = {self.spec.name} | consumed
        while True:
            try:
                await ensure_streams(
                    self.js, self.settings, owners, duplicate_window_s=self.settings.stream_duplicate_window_s
                )
                self.consumers = [self._consumer(source) for source in sorted(consumed)]
                for consumer in self.consumers:
                    await consumer.start()
                break
            except Exception as exc:
                if self._stopping:
                    return
                log.warning("jetstream setup failed, retrying", extra={"error": repr(exc)})
                await asyncio.sleep(1.0)
        if self._stopping:
            # stop() came while the broker was being joined and the cancellation did not reach this
            # task (a library swallowed it): a relay started now would outlive the service.
            return
        assert self.session_factory is not None
        self.relay = OutboxRelay(
            session_factory=self.session_factory,
            table=self.spec.outbox,
            js=self.js,
            settings=self.settings,
            service=self.spec.name,
        )
        self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.spec.name}-relay"))
        for consumer in self.consumers:
            self._tasks.append(
                asyncio.create_task(consumer.run(), name=f"{self.spec.name}-{consumer.durable}")
            )
        self.broker_ready.set()
        log.info("broker joined", extra={"consumers": [c.durable for c in self.consumers]})

    async def _prune_processed(self, every_s: float = 600.0) -> None:
        """Forget processed-event ids once no redelivery or broker duplicate can still bring them back."""
        while True:
            for consumer in self.consumers:
                try:
                    if removed := await consumer.prune_processed():
                        log.info(
                            "processed events pruned",
                            extra={"consumer": consumer.durable, "removed": removed},
                        )
                except Exception:
                    log.warning("pruning processed events failed", exc_info=True)
            await asyncio.sleep(every_s)

    def _consumer(self, source: str) -> EventConsumer:
        assert self.js is not None and self.session_factory is not None and self.spec.handlers is not None
        return EventConsumer(
            js=self.js,
            settings=self.settings,
            service=self.spec.name,
            source=source,
            registry=self.spec.handlers,
            session_factory=self.session_factory,
            processed=self.spec.processed,
            durable=self._durable(source),
        )

    def _durable(self, source: str) -> str:
        ns = self.settings.namespace
        base = f"{self.spec.name}-from-{source}"
        return f"{ns}_{base}" if ns else base

    async def stop(self) -> None:
        """Stop taking work, let in-flight handlers commit, drain NATS, close Redis, dispose the engine."""
        self._stopping = True
        for worker, _ in self._workers:
            worker.stop()
        if self._workers:
            _, late = await asyncio.wait([task for _, task in self._workers], timeout=10)
            for task in late:
                log.warning("worker did not stop in time; cancelling", extra={"task": task.get_name()})
                task.cancel()
        for job in self._jobs:
            job.cancel()
        if self._jobs:
            await asyncio.wait(self._jobs, timeout=5)
        for consumer in self.consumers:
            consumer.stop()
        if self.relay is not None:
            self.relay.stop()
        for task in self._tasks:
            if task.get_name().endswith(("-broker", "-prune")) and not task.done():
                task.cancel()
        _, pending = await asyncio.wait(self._tasks, timeout=5) if self._tasks else (set(), set())
        for task in pending:
            log.warning("task did not stop in time; cancelling", extra={"task": task.get_name()})
            task.cancel()
        if self.nc is not None:
            with contextlib.suppress(Exception):
                # drain() flushes pending publishes and acks; close() is the fallback when it cannot.
                await asyncio.wait_for(self.nc.drain(), timeout=5)
            if not self.nc.is_closed:
                with contextlib.suppress(Exception):
                    await self.nc.close()
        if self.redis is not None:
            await self.redis.aclose()
        if self.engine is not None:
            await self.engine.dispose()
        log.info("stopped")

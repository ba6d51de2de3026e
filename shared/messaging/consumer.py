"""The durable pull-consumer runner every service uses to apply other services' events.

For each message: decode (what cannot be decoded is dead-lettered and terminated), skip it if this
consumer already applied it (processed-events table), otherwise run the handler and record the event
id in the same transaction, commit, and only then ack. A failure naks with a growing delay; after the
last attempt the message is dead-lettered with its reason and terminated, and the next one flows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics
from shared.config import ServiceSettings
from shared.events.catalog import DomainEvent, parse
from shared.events.envelope import CloudEvent
from shared.logging import correlation_id, event_id
from shared.messaging.jetstream import DEAD_LETTER

log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
    )


class HandlerRegistry:
    """Which handler applies which event type: explicit, so a reader sees every subscription in one place."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._events: dict[str, type[DomainEvent]] = {}

    def on(self, event_cls: type[DomainEvent]) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.add(event_cls, fn)
            return fn

        return register

    def add(self, event_cls: type[DomainEvent], fn: Handler) -> None:
        if event_cls.spec.type in self._handlers:
            raise ValueError(f"{event_cls.__name__} already has a handler")
        self._handlers[event_cls.spec.type] = fn
        self._events[event_cls.spec.type] = event_cls

    def get(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    def owners(self) -> set[str]:
        return {cls.spec.owner for cls in self._events.values()}

    def subjects_of(self, owner: str) -> list[str]:
        return sorted({cls.spec.subject for cls in self._events.values() if cls.spec.owner == owner})


def _insert_ignore(session: AsyncSession, table: Table, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing()


class EventConsumer:
    """One durable consumer of one source stream, shared by all replicas of a service."""

    def __init__(
        self,
        *,
        js: JetStreamContext,
        settings: ServiceSettings,
        service: str,
        source: str,
        registry: HandlerRegistry,
        session_factory: async_sessionmaker[AsyncSession],
        processed: Table,
        durable: str | None = None,
    ) -> None:
        self._js = js
        self._settings = settings
        self._service = service
        self._source = source
        self._registry = registry
        self._factory = session_factory
        self._processed = processed
        self.durable = durable or (f"{settings.namespace}_{service}" if settings.namespace else service)
        self._stream = settings.stream_name(source)
        self._stopping = asyncio.Event()
        self._sub: JetStreamContext.PullSubscription | None = None

    def config(self) -> ConsumerConfig:
        s = self._settings
        return ConsumerConfig(
            durable_name=self.durable,
            name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=s.consumer_ack_wait_s,
            # One delivery past our own limit, so a message whose last attempt died with the process
            # still comes back once to be dead-lettered instead of vanishing.
            max_deliver=s.consumer_max_deliver + 1,
            filter_subjects=[s.subject(sub) for sub in self._registry.subjects_of(self._source)],
            max_ack_pending=max(1000, s.consumer_batch * 4),
        )

    async def start(self) -> None:
        await self._js.add_consumer(self._stream, config=self.config())
        self._sub = await self._js.pull_subscribe_bind(durable=self.durable, stream=self._stream)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        assert self._sub is not None, "start() first"
        while not self._stopping.is_set():
            try:
                msgs = await self._sub.fetch(self._settings.consumer_batch, timeout=1.0)
            except (FetchTimeoutError, TimeoutError):
                continue
            except Exception:  # broker away: the connection reconnects by itself
                log.warning("fetch failed", extra={"stream": self._stream}, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            for msg in msgs:
                await self.process(msg)
        # Unsubscribe before the connection drains: drain() would otherwise wait for late deliveries
        # that nobody will fetch. They are unacked, so the broker redelivers them to another replica.
        with contextlib.suppress(Exception):
            await self._sub.unsubscribe()

    async def process(self, msg: Msg) -> None:
        try:
            envelope = CloudEvent.from_json(msg.data)
            payload = parse(envelope)
        except Exception as exc:
            await self._dead_letter(msg, f"undecodable: {exc!r}"[:1000])
            return
        handler = self._registry.get(envelope.type)
        if handler is None:  # filtered subjects can still carry another version of a type
            await msg.ack()
            return
        attempt = msg.metadata.num_delivered
        if attempt > self._settings.consumer_max_deliver:
            await self._dead_letter(msg, "the last attempt did not finish (process died or timed out)")
            return
        tokens = (event_id.set(envelope.id), correlation_id.set(envelope.correlationid))
        started = time.perf_counter()
        try:
            async with self._factory() as session:
                claim = _insert_ignore(
                    session,
                    self._processed,
                    {"consumer": self.durable, "event_id": envelope.id, "processed_at": datetime.now(UTC)},
                )
                if (await session.execute(claim)).rowcount:
                    await handler(payload, session=session, envelope=envelope)
                    outcome = "applied"
                else:
                    outcome = "duplicate"
                await session.commit()
            await msg.ack()
            metrics.EVENTS_HANDLED.labels(self._service, envelope.type, outcome).inc()
            metrics.EVENT_HANDLING.labels(self._service, envelope.type).observe(time.perf_counter() - started)
        except Exception as exc:
            metrics.EVENTS_HANDLED.labels(self._service, envelope.type, "failed").inc()
            if attempt >= self._settings.consumer_max_deliver:
                log.error("handler failed for the last time", extra={"attempt": attempt}, exc_info=True)
                await self._dead_letter(msg, f"{type(exc).__name__}: {exc}"[:1000])
            else:
                delay = self._settings.backoff_for(attempt)
                log.warning(
                    "handler failed, will retry", extra={"attempt": attempt, "delay_s": delay}, exc_info=True
                )
                await msg.nak(delay=delay)
        finally:
            event_id.reset(tokens[0])
            correlation_id.reset(tokens[1])

    async def _dead_letter(self, msg: Msg, reason: str) -> None:
        meta = msg.metadata
        headers = {
            "Nats-Msg-Id": f"{self.durable}:{meta.stream}:{meta.sequence.stream}",
            "Consorcia-Reason": reason,
            "Consorcia-Consumer": self.durable,
            "Consorcia-Original-Subject": msg.subject,
            "Consorcia-Original-Sequence": str(meta.sequence.stream),
            "Consorcia-Attempts": str(meta.num_delivered),
        }
        ns = self._settings.namespace
        original = msg.subject[len(ns) + 1 :] if ns and msg.subject.startswith(ns + ".") else msg.subject
        subject = self._settings.subject(f"{DEAD_LETTER}.{self._service}.{original}")
        try:
            await self._js.publish(subject, msg.data, headers=headers, timeout=5)
        except Exception:  # the broker is away: leave the message to be redelivered, never drop it
            log.warning("dead-letter publish failed; will retry", exc_info=True)
            await msg.nak(delay=self._settings.backoff_for(1))
            return
        metrics.EVENTS_HANDLED.labels(self._service, "unknown", "dead_lettered").inc()
        log.error("event dead-lettered", extra={"reason": reason, "subject": msg.subject})
        await msg.term()

    async def prune_processed(self) -> int:
        cutoff = datetime.now(UTC) - timedelta(seconds=self._settings.processed_retention_s)
        t = self._processed
        async with self._factory() as session:
            result = await session.execute(
                delete(t).where(t.c.consumer == self.durable, t.c.processed_at < cutoff)
            )
            await session.commit()
        return result.rowcount or 0

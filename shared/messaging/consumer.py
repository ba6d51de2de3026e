"""The durable pull-consumer runner every service uses to apply other services' events.

A fetched batch is applied in order (after a batch that was not full, a service may wait
``consumer_batch_wait_s`` before the next fetch, so that more gather for it). Consecutive first deliveries share ONE transaction:
their event ids are claimed in the processed-events table with one multi-row insert (ids already there
are duplicates and skipped), the handlers run, then the registry's before-commit hooks (work a service
does once per batch), the transaction commits, and only then is each message acked. If a handler
fails, the batch rolls back, the messages before it are applied again without it, the failing one naks
with a growing delay (or is dead-lettered after its last attempt) and the rest follow. Redeliveries
are applied one per transaction, so a poison message always gets its own retries and is never blamed
for a neighbour. A batch whose handlers run past a time budget (50 ms) commits what ran and goes on in
a new transaction: SQLite has one write lock, and nobody else should wait long for it. What cannot be
decoded is dead-lettered and terminated at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError
from sqlalchemy import Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics
from shared.config import ServiceSettings
from shared.events.catalog import DomainEvent, parse
from shared.events.envelope import CloudEvent
from shared.logging import correlation_id, event_id
from shared.messaging.jetstream import DEAD_LETTER
from shared.messaging.registry import Handler, HandlerRegistry, processed_events_table

__all__ = ["EventConsumer", "Handler", "HandlerRegistry", "processed_events_table"]
log = logging.getLogger(__name__)


@dataclass
class _Delivery:
    msg: Msg
    attempt: int
    envelope: CloudEvent | None = None
    payload: DomainEvent | None = None
    handler: Handler | None = None
    undecodable: str | None = None


class _HandlerFailed(Exception):
    def __init__(self, index: int, error: Exception) -> None:
        self.index, self.error = index, error


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
        transaction_budget_s: float = 0.05,
    ) -> None:
        self._js = js
        self._settings = settings
        self._service = service
        self._source = source
        self._registry = registry
        self._factory = session_factory
        self._processed = processed
        self._budget = transaction_budget_s
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
            await self.process_batch(msgs)
            if len(msgs) < self._settings.consumer_batch and self._settings.consumer_batch_wait_s > 0:
                # Under a steady flow more are on their way: let them gather and take them in one fetch
                # and one transaction. After a quiet spell the fetch is waiting, so a lone event is
                # still applied at once.
                await asyncio.sleep(self._settings.consumer_batch_wait_s)
        # Unsubscribe before the connection drains: drain() would otherwise wait for late deliveries
        # that nobody will fetch. They are unacked, so the broker redelivers them to another replica.
        with contextlib.suppress(Exception):
            await self._sub.unsubscribe()

    async def process(self, msg: Msg) -> None:
        """Apply one message in a transaction of its own."""
        await self._apply_alone(self._delivery(msg))

    async def process_batch(self, msgs: list[Msg]) -> None:
        """Apply messages in their order; runs of first deliveries share one transaction."""
        run: list[_Delivery] = []
        for msg in msgs:
            delivery = self._delivery(msg)
            if delivery.handler is not None and delivery.attempt == 1:
                run.append(delivery)
                continue
            await self._apply(run)
            run = []
            await self._apply_alone(delivery)
        await self._apply(run)

    def _delivery(self, msg: Msg) -> _Delivery:
        delivery = _Delivery(msg=msg, attempt=msg.metadata.num_delivered)
        try:
            delivery.envelope = CloudEvent.from_json(msg.data)
            delivery.payload = parse(delivery.envelope)
        except Exception as exc:
            delivery.undecodable = f"undecodable: {exc!r}"[:1000]
            return delivery
        # Filtered subjects can still carry another version of a type: no handler, nothing to apply.
        delivery.handler = self._registry.get(delivery.envelope.type)
        return delivery

    async def _apply_alone(self, delivery: _Delivery) -> None:
        if delivery.undecodable is not None:
            await self._dead_letter(delivery.msg, delivery.undecodable)
        elif delivery.handler is None:
            await delivery.msg.ack()
        elif delivery.attempt > self._settings.consumer_max_deliver:
            await self._dead_letter(
                delivery.msg, "the last attempt did not finish (process died or timed out)"
            )
        else:
            await self._apply([delivery])

    async def _apply(self, batch: list[_Delivery]) -> None:
        """Apply the batch in one transaction, then ack each message; on failure narrow it down."""
        if not batch:
            return
        started = time.perf_counter()
        outcomes: list[str] = []
        rest: list[_Delivery] = []
        try:
            async with self._factory() as session:
                fresh = await self._claim(session, batch)
                for index, d in enumerate(batch):
                    assert d.envelope is not None and d.handler is not None
                    if index and time.perf_counter() - started > self._budget:
                        # A long transaction holds SQLite's one write lock from everyone else: commit what
                        # ran, and apply the rest in a transaction of its own.
                        rest = batch[index:]
                        await self._unclaim(session, fresh)
                        break
                    if d.envelope.id not in fresh:
                        outcomes.append("duplicate")
                        continue
                    fresh.discard(d.envelope.id)  # the same event twice in one batch is applied once
                    with _event_context(d.envelope):
                        try:
                            await d.handler(d.payload, session=session, envelope=d.envelope)
                        except Exception as exc:
                            raise _HandlerFailed(index, exc) from exc
                    outcomes.append("applied")
                await self._registry.finish(session)
                await session.commit()
        except _HandlerFailed as failure:  # rolled back: apply the others without the one that failed
            await self._apply(batch[: failure.index])
            await self._failed(batch[failure.index], failure.error)
            await self._apply(batch[failure.index + 1 :])
            return
        except Exception as exc:  # the claim or the commit failed: no message is to blame yet
            if len(batch) == 1:
                await self._failed(batch[0], exc)
            else:
                for d in batch:
                    await self._apply([d])
            return
        elapsed = time.perf_counter() - started
        for d, outcome in zip(batch, outcomes, strict=False):  # outcomes stop where `rest` begins
            await d.msg.ack()
            assert d.envelope is not None
            metrics.EVENTS_HANDLED.labels(self._service, d.envelope.type, outcome).inc()
            metrics.EVENT_HANDLING.labels(self._service, d.envelope.type).observe(elapsed)
        await self._apply(rest)

    async def _claim(self, session: AsyncSession, batch: list[_Delivery]) -> set[str]:
        """Record the batch's event ids as processed; returns those not processed before."""
        now = datetime.now(UTC)
        ids = list(dict.fromkeys(d.envelope.id for d in batch if d.envelope is not None))
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        t = self._processed
        claim = (
            dialect.insert(t)
            .values([{"consumer": self.durable, "event_id": i, "processed_at": now} for i in ids])
            .on_conflict_do_nothing()
            .returning(t.c.event_id)
        )
        return set((await session.execute(claim)).scalars())

    async def _unclaim(self, session: AsyncSession, ids: set[str]) -> None:
        if ids:
            t = self._processed
            await session.execute(delete(t).where(t.c.consumer == self.durable, t.c.event_id.in_(ids)))

    async def _failed(self, delivery: _Delivery, exc: Exception) -> None:
        assert delivery.envelope is not None
        metrics.EVENTS_HANDLED.labels(self._service, delivery.envelope.type, "failed").inc()
        attempt = delivery.attempt
        with _event_context(delivery.envelope):
            if attempt >= self._settings.consumer_max_deliver:
                log.error("handler failed for the last time", extra={"attempt": attempt}, exc_info=exc)
                await self._dead_letter(delivery.msg, f"{type(exc).__name__}: {exc}"[:1000])
            else:
                delay = self._settings.backoff_for(attempt)
                log.warning(
                    "handler failed, will retry", extra={"attempt": attempt, "delay_s": delay}, exc_info=exc
                )
                await delivery.msg.nak(delay=delay)

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


@contextlib.contextmanager
def _event_context(envelope: CloudEvent) -> Iterator[None]:
    tokens = (event_id.set(envelope.id), correlation_id.set(envelope.correlationid))
    try:
        yield
    finally:
        event_id.reset(tokens[0])
        correlation_id.reset(tokens[1])

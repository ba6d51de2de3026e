"""The transactional outbox: events are written with the state they describe, then relayed to JetStream.

A use case calls ``record(session, event)`` inside its transaction. The relay publishes unsent rows with
``Nats-Msg-Id`` = event id (JetStream drops a duplicate inside its window) and marks them sent. It runs
right after each commit that carried events, and on a slow tick to catch rows a crash left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics
from shared.config import ServiceSettings
from shared.db import OUTBOX_PENDING, UtcDateTime, is_sqlite
from shared.events.catalog import DomainEvent
from shared.logging import correlation_id

log = logging.getLogger(__name__)
OUTAGE_REPORT_INTERVAL_S = 60.0
# SQLite only autoincrements an INTEGER PRIMARY KEY.
_Seq = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("seq", _Seq, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("subject", String(255), nullable=False),
        Column("type", String(255), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_published_at", "published_at"),
    )


async def record(
    session: AsyncSession, table: Table, event: DomainEvent, *, subject: str | None = None
) -> str:
    """Add the event to the current transaction's outbox; returns the event id."""
    envelope = event.envelope(subject=subject, correlation_id=correlation_id.get())
    await session.execute(
        insert(table).values(
            event_id=envelope.id,
            subject=event.spec.subject,
            type=envelope.type,
            payload=envelope.to_json().decode(),
            created_at=envelope.time,
            attempts=0,
        )
    )
    session.info[OUTBOX_PENDING] = True
    return envelope.id


class OutboxRelay:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        table: Table,
        js: JetStreamContext,
        settings: ServiceSettings,
        service: str,
        publish_timeout_s: float = 5.0,
    ) -> None:
        self._factory = session_factory
        self._table = table
        self._js = js
        self._settings = settings
        self._service = service
        # Which relay an outage report is about: several run in one process in tests and in tools.
        self._who = {"relay": service, "namespace": settings.namespace}
        self._timeout = publish_timeout_s
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._sqlite = is_sqlite(str(session_factory.kw["bind"].url))
        self._last_cleanup = datetime.min.replace(tzinfo=UTC)
        # An outage is reported when it starts, then once a minute, then when it ends: a broker that is
        # away for an hour must not write a warning every cycle.
        self._failing_since: float | None = None
        self._last_report = 0.0
        self._failed_cycles = 0
        # SQLite: rows JetStream acknowledged whose `published_at` is still to be written. Marking runs
        # beside publishing, so the next batch never waits for the one write lock behind requests.
        self._unmarked: set[int] = set()
        self._marker: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                batch = self._settings.outbox_batch
                while not self._stopping and await self.publish_batch(defer_marks=self._sqlite) >= batch:
                    pass
                await self._cleanup()
            except Exception as exc:  # a broker or database hiccup: keep the rows, try again on the next tick
                self._report(acked=0, failed={0: repr(exc)}, exc=exc)
            try:
                await asyncio.wait_for(self._wakeup.wait(), self._settings.outbox_poll_interval_s)
            except TimeoutError:
                pass
            self._wakeup.clear()
        if self._marker is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._marker, 5)

    async def publish_batch(self, *, defer_marks: bool = False) -> int:
        """Publish one batch of unsent rows; returns how many were acknowledged by JetStream.

        With ``defer_marks`` (SQLite) the rows are marked sent by a task beside the relay, soon after.
        """
        t = self._table
        if defer_marks and len(self._unmarked) >= 4 * self._settings.outbox_batch and self._marker:
            await asyncio.wait({self._marker}, timeout=self._timeout)  # marking fell behind: let it catch up
        async with self._factory() as session:
            query = select(t.c.seq, t.c.event_id, t.c.subject, t.c.payload).where(t.c.published_at.is_(None))
            # Two replicas on PostgreSQL claim disjoint rows; SQLite has one writer, and Nats-Msg-Id
            # dedupe covers the overlap of two processes sharing a file.
            # Copied before the read: the marker may commit (and forget) rows while the query runs, and
            # this read may still see them unmarked.
            unmarked = set(self._unmarked)
            limit = self._settings.outbox_batch + len(unmarked)
            query = query.order_by(t.c.seq).limit(limit).with_for_update(skip_locked=True)
            rows = [r for r in (await session.execute(query)).all() if r.seq not in unmarked]
            rows = rows[: self._settings.outbox_batch]
            if not rows:
                self._report(acked=0, failed={})
                return 0
            if self._sqlite:
                await session.rollback()  # don't hold a read snapshot across network I/O
            acked, failed = await self._publish(rows)
            now = datetime.now(UTC)
            if acked and defer_marks:
                self._unmarked.update(acked)
                if self._marker is None or self._marker.done():
                    self._marker = asyncio.create_task(self._mark_published())
            elif acked:
                await session.execute(update(t).where(t.c.seq.in_(acked)).values(published_at=now))
            if failed:
                reason = next(iter(failed.values()))[:2000]
                await session.execute(
                    update(t)
                    .where(t.c.seq.in_(list(failed)))
                    .values(attempts=t.c.attempts + 1, last_error=reason)
                )
            await session.commit()
        metrics.OUTBOX_PUBLISHED.labels(self._service).inc(len(acked))
        self._report(acked=len(acked), failed=failed)
        return len(acked)

    async def _mark_published(self) -> None:
        t = self._table
        while self._unmarked:
            seqs = sorted(self._unmarked)[:5000]
            try:
                async with self._factory() as session:
                    now = datetime.now(UTC)
                    await session.execute(update(t).where(t.c.seq.in_(seqs)).values(published_at=now))
                    await session.commit()
            except Exception as exc:  # published already: marking again later is all that is needed
                self._report(acked=0, failed={0: repr(exc)}, exc=exc)
                await asyncio.sleep(self._settings.outbox_poll_interval_s)
                continue
            self._unmarked.difference_update(seqs)

    def _report(self, *, acked: int, failed: dict[int, str], exc: Exception | None = None) -> None:
        now = time.monotonic()
        if failed:
            self._failed_cycles += 1
            reason = next(iter(failed.values()))
            if self._failing_since is None:
                self._failing_since = self._last_report = now
                log.warning(
                    "outbox publish failing; will keep retrying",
                    extra={**self._who, "reason": reason},
                    exc_info=exc,
                )
            elif now - self._last_report >= OUTAGE_REPORT_INTERVAL_S:
                self._last_report = now
                log.warning(
                    "outbox publish still failing",
                    extra={
                        **self._who,
                        "for_s": round(now - self._failing_since),
                        "failed_cycles": self._failed_cycles,
                        "reason": reason,
                    },
                )
        elif self._failing_since is not None:
            log.info(
                "outbox publish recovered",
                extra={
                    **self._who,
                    "after_s": round(now - self._failing_since, 1),
                    "failed_cycles": self._failed_cycles,
                },
            )
            self._failing_since, self._failed_cycles = None, 0

    async def _publish(self, rows: list) -> tuple[list[int], dict[int, str]]:
        # Pipelined: all messages leave at once and their acks are awaited together. One connection
        # keeps their order on the wire, so the stream keeps the commit order.
        futures = []
        failed: dict[int, str] = {}
        for row in rows:
            subject = self._settings.subject(row.subject)
            try:
                futures.append(
                    await self._js.publish_async(
                        subject,
                        row.payload.encode(),
                        headers={"Nats-Msg-Id": row.event_id},
                        wait_stall=self._timeout,
                    )
                )
            except Exception as exc:  # disconnected: the rest of the batch waits for the next cycle
                failed.update({r.seq: repr(exc) for r in rows[len(futures) :]})
                break
        results = await asyncio.gather(
            *(asyncio.wait_for(f, self._timeout) for f in futures), return_exceptions=True
        )
        acked: list[int] = []
        for row, result in zip(rows, results, strict=False):
            if isinstance(result, BaseException):
                failed[row.seq] = repr(result)
            else:
                acked.append(row.seq)
        return acked, failed

    async def _cleanup(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_cleanup < timedelta(minutes=10):
            return
        self._last_cleanup = now
        cutoff = now - timedelta(seconds=self._settings.outbox_retention_s)
        t = self._table
        async with self._factory() as session:
            await session.execute(delete(t).where(t.c.published_at.is_not(None), t.c.published_at < cutoff))
            await session.commit()

    async def pending(self) -> int:
        async with self._factory() as session:
            t = self._table
            return (
                await session.execute(select(func.count()).where(t.c.published_at.is_(None)))
            ).scalar_one()

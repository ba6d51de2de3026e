"""The durable delivery queue: rows with ``next_attempt_at``, claimed under a lease.

A worker claims due rows by pushing their ``next_attempt_at`` a lease into the future (under
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so replicas never claim the same row), sends, then records
the outcome. A worker that dies mid-send leaves its rows to come due again when the lease ends.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.models import Delivery, WebhookEndpoint


def aware(dt: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every one we store is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


async def insert_ignore(session: AsyncSession, values: dict[str, Any] | list[dict[str, Any]]) -> int:
    """Insert the rows whose dedupe key is new; returns how many were (or, for many rows, how many were
    offered: the drivers' executemany row counts differ, and the count only decides whether to wake the
    queue)."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Delivery).on_conflict_do_nothing(index_elements=["dedupe_key"])
    if isinstance(values, dict) or len(values) == 1:
        row = values if isinstance(values, dict) else values[0]
        return (await session.execute(stmt.values(row))).rowcount or 0
    # executemany: one compiled statement whatever the number of rows (a multi-row VALUES would be
    # compiled anew for every count, which costs more than the insert itself for thousands of rows).
    await session.execute(stmt, values)
    return len(values)


def email_row(
    *,
    user_id: uuid.UUID,
    due: datetime,
    notification_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    dedupe: str | None = None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "channel": "email",
        "dedupe_key": dedupe or f"email:{notification_id}",
        "user_id": user_id,
        "endpoint_id": None,
        "message_id": f"msg_{uuid.uuid4().hex}",
        "event_type": "email",
        "payload": payload or {"notification_id": str(notification_id)},
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": datetime.now(UTC),
    }


async def enqueue_email(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    due: datetime,
    notification_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
    dedupe: str | None = None,
) -> bool:
    row = email_row(user_id=user_id, due=due, notification_id=notification_id, payload=payload, dedupe=dedupe)
    return 0 < await insert_ignore(session, row)


def webhook_rows(
    endpoints: list[WebhookEndpoint],
    *,
    event_type: str,
    data: dict[str, Any],
    event_id: str,
    now: datetime,
) -> list[dict[str, Any]]:
    """One delivery per endpoint for this event (the dedupe key makes a redelivered event queue nothing)."""
    payload = {"data": data, "created_at": now.isoformat()}
    return [
        {
            "id": uuid.uuid4(),
            "channel": "webhook",
            "dedupe_key": f"webhook:{e.id}:{event_id}",
            "user_id": e.owner_id,
            "endpoint_id": e.id,
            "message_id": f"msg_{uuid.uuid4().hex}",
            "event_type": event_type,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for e in endpoints
    ]


async def claim(
    session: AsyncSession, *, limit: int, lease_s: float, now: datetime | None = None
) -> list[Delivery]:
    now = now or datetime.now(UTC)
    query = (
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list((await session.execute(query)).scalars())
    if rows:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_([r.id for r in rows]))
            .values(next_attempt_at=now + timedelta(seconds=lease_s))
        )
    return rows


def next_delay(
    schedule: list[float],
    failed_attempts: int,
    *,
    jitter: float,
    retry_after: float | None = None,
    retry_after_max: float = 86400.0,
) -> float | None:
    """Seconds until the next attempt after this many failures; None when the schedule is spent."""
    if failed_attempts > len(schedule):
        return None
    delay = schedule[failed_attempts - 1] * random.uniform(1 - jitter, 1 + jitter)
    if retry_after is not None:
        delay = max(delay, min(retry_after, retry_after_max))
    return delay

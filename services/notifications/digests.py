"""Daily and weekly digests: entries wait until the recipient's next digest time, then go as one e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import queue
from services.notifications.models import DigestEntry, Preference

DEFAULT_HOUR, DEFAULT_WEEKDAY = 8, 0


def last_slot(mode: str, now: datetime, *, hour: int, weekday: int) -> datetime:
    """The most recent digest time at or before ``now`` (UTC)."""
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > now:
        slot -= timedelta(days=1)
    if mode == "weekly":
        slot -= timedelta(days=(slot.weekday() - weekday) % 7)
    return slot


async def queue_due(*, session: AsyncSession, now: datetime | None = None) -> int:
    """Queue one digest e-mail per person and mode whose time has come; returns how many."""
    now = now or datetime.now(UTC)
    pending = (
        await session.execute(
            select(DigestEntry.user_id, DigestEntry.mode).where(DigestEntry.sent_at.is_(None)).distinct()
        )
    ).all()
    queued = 0
    for user_id, mode in pending:
        pref = await session.get(Preference, user_id)
        slot = last_slot(
            mode,
            now,
            hour=pref.digest_hour if pref else DEFAULT_HOUR,
            weekday=pref.digest_weekday if pref else DEFAULT_WEEKDAY,
        )
        entries = list(
            (
                await session.execute(
                    select(DigestEntry)
                    .where(
                        DigestEntry.user_id == user_id,
                        DigestEntry.mode == mode,
                        DigestEntry.sent_at.is_(None),
                        DigestEntry.created_at <= slot,
                    )
                    .order_by(DigestEntry.created_at)
                )
            ).scalars()
        )
        if not entries:
            continue
        await queue.enqueue_email(
            session,
            user_id=user_id,
            due=datetime.now(UTC),
            payload={"digest": mode, "notification_ids": [str(e.notification_id) for e in entries]},
            dedupe=f"digest:{user_id}:{mode}:{slot:%Y%m%d%H}",
        )
        await session.execute(
            update(DigestEntry).where(DigestEntry.id.in_([e.id for e in entries])).values(sent_at=now)
        )
        queued += 1
    return queued

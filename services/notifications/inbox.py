"""The in-app inbox: newest first, cursor-paginated, with unread counts and read marks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.models import Notification
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


def _mine(user_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return and_(Notification.user_id == user_id, Notification.in_app.is_(True))


async def list_notifications(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    cursor: str | None = None,
    limit: int = 20,
    unread_only: bool = False,
) -> tuple[list[Notification], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Notification).where(_mine(user_id))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if (after := decode_cursor(cursor)) is not None:
        created, last = datetime.fromisoformat(after[0]), uuid.UUID(after[1])
        query = query.where(
            or_(
                Notification.created_at < created,
                and_(Notification.created_at == created, Notification.id < last),
            )
        )
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    more, rows = len(rows) > limit, rows[:limit]
    cursors = [encode_cursor(r.created_at.isoformat(), str(r.id)) for r in rows]
    return rows, cursors, cursors[-1] if more else None


async def unread_count(*, session: AsyncSession, user_id: uuid.UUID) -> int:
    query = (
        select(func.count()).select_from(Notification).where(_mine(user_id), Notification.read_at.is_(None))
    )
    return (await session.execute(query)).scalar_one()


async def mark_read(ids: list[uuid.UUID], *, session: AsyncSession, user_id: uuid.UUID) -> int:
    """Marks the caller's own notifications among ``ids``; others' ids are silently not theirs to mark."""
    if not ids:
        return 0
    result = await session.execute(
        update(Notification)
        .where(_mine(user_id), Notification.id.in_(ids), Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    return result.rowcount or 0


async def mark_all_read(*, session: AsyncSession, user_id: uuid.UUID) -> int:
    result = await session.execute(
        update(Notification)
        .where(_mine(user_id), Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    return result.rowcount or 0

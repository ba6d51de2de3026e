"""Moderation: flags into a review queue, automatic hiding after N open flags, moderators hide and restore."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import Flag, Post, now, outbox
from services.forum.service.access import is_moderator, readable_thread
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.events.forum import PostFlagged, PostHidden
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


class FlagReason(StrEnum):
    spam = "spam"
    off_topic = "off_topic"
    abusive = "abusive"


async def flag(
    principal: Principal,
    post_id: uuid.UUID,
    reason: FlagReason,
    note: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
) -> Post:
    post = await session.get(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("post", post_id, code="post_not_found")
    await readable_thread(post.thread_id, principal, session=session)
    if post.author_id == principal.user_id:
        raise DomainError(
            "validation_error",
            "you cannot flag your own post",
            details={"fields": [{"field": "post_id", "problem": "own post"}]},
        )
    try:
        async with session.begin_nested():
            session.add(
                Flag(post_id=post.id, user_id=principal.user_id, reason=reason.value, note=note[:500])
            )
    except IntegrityError:
        raise DomainError("already_flagged", "you already flagged this post") from None
    open_flags = (
        await session.execute(select(func.count()).where(Flag.post_id == post.id, Flag.status == "open"))
    ).scalar_one()
    post.flag_count = open_flags
    await record(
        session,
        outbox,
        PostFlagged(post_id=post.id, thread_id=post.thread_id, reason=reason.value, flag_count=open_flags),
        subject=str(post.thread_id),
    )
    if open_flags >= settings.flags_to_hide and not post.hidden:
        post.hidden, post.hidden_by = True, "flags"
        await record(
            session,
            outbox,
            PostHidden(post_id=post.id, thread_id=post.thread_id, by="flags"),
            subject=str(post.thread_id),
        )
    await session.flush()
    return post


def _require_moderator(principal: Principal) -> None:
    if not is_moderator(principal):
        raise DomainError("forbidden", "only moderators do this")


async def _resolve_flags(post: Post, status: str, principal: Principal, *, session: AsyncSession) -> None:
    await session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.status == "open")
        .values(status=status, resolved_by=principal.user_id, resolved_at=now())
    )
    post.flag_count = 0


async def hide(principal: Principal, post_id: uuid.UUID, *, session: AsyncSession) -> Post:
    _require_moderator(principal)
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound("post", post_id, code="post_not_found")
    await _resolve_flags(post, "upheld", principal, session=session)
    was_hidden_by_moderator = post.hidden and post.hidden_by == "moderator"
    post.hidden, post.hidden_by = True, "moderator"
    if not was_hidden_by_moderator:
        await record(
            session,
            outbox,
            PostHidden(post_id=post.id, thread_id=post.thread_id, by="moderator"),
            subject=str(post.thread_id),
        )
    await session.flush()
    return post


async def restore(principal: Principal, post_id: uuid.UUID, *, session: AsyncSession) -> Post:
    """The review found nothing wrong: the post shows again and its open flags are dismissed."""
    _require_moderator(principal)
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound("post", post_id, code="post_not_found")
    await _resolve_flags(post, "dismissed", principal, session=session)
    post.hidden, post.hidden_by = False, None
    await session.flush()
    return post


async def review_queue(
    principal: Principal, *, session: AsyncSession, cursor: str | None = None, limit: int = 30
) -> tuple[list[tuple[Post, int, list[str], datetime]], list[str], str | None]:
    """Posts with open flags, oldest first flag first: (post, open flags, reasons, first flagged at)."""
    _require_moderator(principal)
    summary = (
        select(Flag.post_id, func.count().label("n"), func.min(Flag.created_at).label("first"))
        .where(Flag.status == "open")
        .group_by(Flag.post_id)
        .subquery()
    )
    query = select(Post, summary.c.n, summary.c.first).join(summary, summary.c.post_id == Post.id)
    if (after := decode_cursor(cursor)) is not None:
        moment = datetime.fromisoformat(after[0])
        moment = moment.replace(tzinfo=None) if session.bind.dialect.name == "sqlite" else moment
        last = uuid.UUID(after[1])
        query = query.where(or_(summary.c.first > moment, and_(summary.c.first == moment, Post.id > last)))
    limit = max(1, min(limit, MAX_PAGE))
    rows = (await session.execute(query.order_by(summary.c.first, Post.id).limit(limit + 1))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0].id for r in rows]
    reasons: dict[uuid.UUID, list[str]] = {}
    if ids:
        for post_id, reason in (
            await session.execute(
                select(Flag.post_id, Flag.reason).where(Flag.post_id.in_(ids), Flag.status == "open")
            )
        ).all():
            reasons.setdefault(post_id, []).append(reason)
    items = [(post, n, sorted(set(reasons.get(post.id, []))), first) for post, n, first in rows]
    cursors = [encode_cursor(_iso(first), str(post.id)) for post, _, first in rows]
    return items, cursors, (cursors[-1] if more else None)


def _iso(value: datetime | str) -> str:
    # SQLite returns min() over a datetime column as its stored text.
    return value.isoformat() if isinstance(value, datetime) else datetime.fromisoformat(value).isoformat()

"""Threads: opening one (optionally as an advisory request), listing a space, pinning and locking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import Post, Space, Thread, now, outbox
from services.forum.service import advisory, guards
from services.forum.service.access import get_space, is_moderator, readable_thread, require_read
from services.forum.service.people import ensure_caller
from services.forum.service.posts import Author, add_post
from shared.auth import Principal
from shared.errors import DomainError
from shared.events.forum import ThreadCreated
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


@dataclass
class AdvisoryAsk:
    topic: str
    country: str | None = None


async def open_thread(
    space: Space,
    author: Author,
    title: str,
    body: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
    redis=None,  # type: ignore[no-untyped-def]
    title_en: str | None = None,
    attributed_to: str | None = None,
    seed_key: str | None = None,
    pinned: bool = False,
) -> tuple[Thread, Post]:
    guards.check_lengths(settings, body=body, title=title)
    thread = Thread(
        id=uuid.uuid4(),
        space_id=space.id,
        author_id=author.user.id if author.user else None,
        title=title.strip(),
        title_en=title_en,
        attributed_to=attributed_to,
        seed_key=seed_key,
        pinned=pinned,
        created_at=now(),
    )
    session.add(thread)
    await session.flush()
    await record(
        session,
        outbox,
        ThreadCreated(
            thread_id=thread.id,
            space_id=space.id,
            author_id=thread.author_id,
            title=thread.title,
            is_private=space.is_private,
        ),
        subject=str(thread.id),
    )
    post = await add_post(thread, space, author, body, settings=settings, session=session, redis=redis)
    return thread, post


async def start_thread(
    principal: Principal,
    space_id: uuid.UUID,
    title: str,
    body: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
    redis=None,  # type: ignore[no-untyped-def]
    ask: AdvisoryAsk | None = None,
) -> tuple[Thread, Post]:
    space = await get_space(space_id, session=session)
    await require_read(space, principal, session=session)
    if ask is not None:
        advisory.check_ask(space, ask.topic, ask.country)
    user = await ensure_caller(principal, session=session)
    author = Author(
        user, privileged=is_moderator(principal) or principal.has_any("agency_officer", "advisor")
    )
    thread, post = await open_thread(
        space, author, title, body, settings=settings, session=session, redis=redis
    )
    if ask is not None:
        await advisory.open_request(thread, principal, ask.topic, ask.country, session=session)
    return thread, post


async def list_threads(
    principal: Principal | None,
    space_id: uuid.UUID,
    *,
    session: AsyncSession,
    cursor: str | None = None,
    limit: int = 30,
    advisory_only: bool = False,
    solved: bool | None = None,
) -> tuple[list[Thread], list[str], str | None]:
    """Pinned first, then by latest activity; the cursor is (pinned, last activity, id)."""
    space = await get_space(space_id, session=session)
    await require_read(space, principal, session=session)
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Thread).where(Thread.space_id == space_id, Thread.deleted_at.is_(None))
    if advisory_only:
        query = query.where(Thread.is_advisory.is_(True))
    if solved is not None:
        query = query.where(Thread.solved.is_(solved))
    if (after := decode_cursor(cursor)) is not None:
        try:
            pinned, moment, last_id = bool(after[0]), datetime.fromisoformat(after[1]), uuid.UUID(after[2])
        except (ValueError, IndexError, TypeError):
            raise DomainError("validation_error", "the cursor is not one this API issued") from None
        moment = moment.replace(tzinfo=None) if session.bind.dialect.name == "sqlite" else moment
        same_pin = Thread.pinned.is_(True) if pinned else Thread.pinned.is_(False)
        later = or_(Thread.last_post_at < moment, and_(Thread.last_post_at == moment, Thread.id > last_id))
        # Pinned threads come first: after a pinned cursor every unpinned thread still follows.
        query = query.where(
            or_(and_(same_pin, later), Thread.pinned.is_(False)) if pinned else and_(same_pin, later)
        )
    query = query.order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(t.pinned, t.last_post_at.isoformat(), str(t.id)) for t in rows]
    return rows, cursors, (cursors[-1] if more else None)


async def set_flags(
    principal: Principal,
    thread_id: uuid.UUID,
    *,
    pinned: bool | None = None,
    locked: bool | None = None,
    session: AsyncSession,
) -> Thread:
    if not is_moderator(principal):
        raise DomainError("forbidden", "only moderators pin and lock threads")
    thread, _ = await readable_thread(thread_id, principal, session=session)
    if pinned is not None:
        thread.pinned = pinned
    if locked is not None:
        thread.locked = locked
    await session.flush()
    return thread

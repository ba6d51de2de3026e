"""What a post must pass before it is stored: size, the new-account limit, and no repeats."""

from __future__ import annotations

import logging
from datetime import timedelta

import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import Post, Thread, User, now
from services.forum.models.base import aware
from shared.errors import DomainError

log = logging.getLogger(__name__)


def check_lengths(settings: ForumSettings, *, body: str, title: str | None = None) -> None:
    if title is not None:
        if not title.strip():
            raise DomainError(
                "validation_error",
                "a thread needs a title",
                details={"fields": [{"field": "title", "problem": "empty"}]},
            )
        if len(title) > settings.max_title_chars:
            raise DomainError(
                "text_too_long",
                f"the title has {len(title)} characters; the limit is {settings.max_title_chars}",
                details={"field": "title", "limit": settings.max_title_chars, "length": len(title)},
            )
    if not body.strip():
        raise DomainError(
            "validation_error",
            "a post needs some text",
            details={"fields": [{"field": "body", "problem": "empty"}]},
        )
    if len(body) > settings.max_post_chars:
        raise DomainError(
            "text_too_long",
            f"the post has {len(body)} characters; the limit is {settings.max_post_chars}",
            details={"field": "body", "limit": settings.max_post_chars, "length": len(body)},
        )


async def check_new_account_limit(
    user: User, settings: ForumSettings, *, redis: aioredis.Redis | None, privileged: bool
) -> None:
    """Accounts younger than the probation period get a posting quota per hour, counted in Redis."""
    if privileged or redis is None:
        return
    age = now() - aware(user.registered_at)
    if age.total_seconds() >= settings.new_account_period_s:
        return
    key = f"forum:quota:{user.id}:{int(now().timestamp() // 3600)}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(key).expire(key, 3600).execute()
    except Exception:  # Redis away: do not stop the conversation over a quota
        log.warning("posting quota unavailable", exc_info=True)
        return
    if count > settings.new_account_posts_per_hour:
        raise DomainError(
            "rate_limited",
            f"new accounts may post {settings.new_account_posts_per_hour} times an hour; try again later",
            details={"limit": settings.new_account_posts_per_hour, "window_s": 3600},
        )


async def check_not_repeated(
    user_id,
    content_hash: str,
    settings: ForumSettings,
    *,
    session: AsyncSession,  # type: ignore[no-untyped-def]
) -> None:
    since = now() - timedelta(seconds=settings.duplicate_window_s)
    query = (
        select(Post.id, Post.thread_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == user_id,
            Post.content_hash == content_hash,
            Post.created_at >= since,
            Post.deleted_at.is_(None),
        )
        .limit(1)
    )
    if (row := (await session.execute(query)).first()) is not None:
        raise DomainError(
            "duplicate_post",
            "you posted the same text a moment ago",
            details={"existing_id": str(row.id), "thread_id": str(row.thread_id)},
        )

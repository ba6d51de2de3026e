"""Watch levels (muted, normal, watching) per thread and per space, and read marks with unread counts."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import ReadMark, Space, Thread, Watch
from services.forum.service.access import get_space, member_ids, readable_thread, require_read
from shared.auth import Principal


class WatchLevel(StrEnum):
    muted = "muted"
    normal = "normal"
    watching = "watching"


async def watcher_ids(
    thread: Thread, space: Space, *, exclude: uuid.UUID | None, session: AsyncSession
) -> set[uuid.UUID]:
    """Who is told of a new post: watching the thread, or watching the space without muting the thread."""
    rows = (
        await session.execute(
            select(Watch.user_id, Watch.target_kind, Watch.level).where(
                or_(
                    and_(Watch.target_kind == "thread", Watch.target_id == thread.id),
                    and_(Watch.target_kind == "space", Watch.target_id == space.id),
                )
            )
        )
    ).all()
    thread_level = {r.user_id: r.level for r in rows if r.target_kind == "thread"}
    space_level = {r.user_id: r.level for r in rows if r.target_kind == "space"}
    watchers = {
        user
        for user in thread_level.keys() | space_level.keys()
        if thread_level.get(user, space_level.get(user)) == WatchLevel.watching
    }
    watchers.discard(exclude)  # type: ignore[arg-type]
    if space.is_private and watchers:
        watchers &= await member_ids(space, session=session)
    return watchers


async def set_watch(
    principal: Principal, *, target_kind: str, target_id: uuid.UUID, level: WatchLevel, session: AsyncSession
) -> Watch:
    if target_kind == "thread":
        await readable_thread(target_id, principal, session=session)
    else:
        await require_read(await get_space(target_id, session=session), principal, session=session)
    watch = await session.get(Watch, (principal.user_id, target_kind, target_id))
    if watch is None:
        watch = Watch(
            user_id=principal.user_id, target_kind=target_kind, target_id=target_id, level=level.value
        )
        session.add(watch)
    else:
        watch.level = level.value
    await session.flush()
    return watch


async def watch_levels(
    user_id: uuid.UUID, target_kind: str, target_ids: list[uuid.UUID], *, session: AsyncSession
) -> dict[uuid.UUID, str]:
    if not target_ids:
        return {}
    query = select(Watch.target_id, Watch.level).where(
        Watch.user_id == user_id, Watch.target_kind == target_kind, Watch.target_id.in_(target_ids)
    )
    return dict((await session.execute(query)).all())


async def mark_read(
    principal: Principal, thread_id: uuid.UUID, *, up_to: int | None, session: AsyncSession
) -> ReadMark:
    """Reading never goes backwards: a mark only moves forward, at most to the last post."""
    thread, _ = await readable_thread(thread_id, principal, session=session)
    target = thread.last_post_number if up_to is None else max(0, min(up_to, thread.last_post_number))
    mark = await session.get(ReadMark, (principal.user_id, thread_id))
    if mark is None:
        mark = ReadMark(user_id=principal.user_id, thread_id=thread_id, last_read_number=target)
        session.add(mark)
    else:
        mark.last_read_number = max(mark.last_read_number, target)
    await session.flush()
    return mark


async def read_marks(
    user_id: uuid.UUID, thread_ids: list[uuid.UUID], *, session: AsyncSession
) -> dict[uuid.UUID, int]:
    if not thread_ids:
        return {}
    query = select(ReadMark.thread_id, ReadMark.last_read_number).where(
        ReadMark.user_id == user_id, ReadMark.thread_id.in_(thread_ids)
    )
    return dict((await session.execute(query)).all())

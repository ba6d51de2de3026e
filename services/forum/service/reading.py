"""Reading a thread page by page, a single post, and batches of posts (for the gateway's loaders)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import AdvisoryRequest, Post, PostRevision, Reaction, Space, Thread, User
from services.forum.service.access import is_moderator, readable_spaces, readable_thread
from services.forum.service.people import users_by_ids
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


@dataclass
class PostView:
    post: Post
    author: User | None
    attributed_to: str | None
    reactions: list[tuple[str, int, bool]] = field(default_factory=list)
    revision_count: int = 0
    is_answer: bool = False
    is_accepted: bool = False
    show_body: bool = True


async def post_views(
    posts: list[Post],
    principal: Principal | None,
    *,
    session: AsyncSession,
    threads: dict[uuid.UUID, Thread] | None = None,
    requests: dict[uuid.UUID, AdvisoryRequest] | None = None,
) -> list[PostView]:
    """Authors, reactions, revisions and advisory marks for a page in a constant number of queries."""
    if not posts:
        return []
    ids = [p.id for p in posts]
    authors = await users_by_ids({p.author_id for p in posts if p.author_id}, session=session)
    me = principal.user_id if principal else None
    # One query for the counts and the caller's own reactions.
    reaction_rows = (
        await session.execute(
            select(
                Reaction.post_id,
                Reaction.emoji,
                func.count(),
                func.sum(case((Reaction.user_id == me, 1), else_=0)),
            )
            .where(Reaction.post_id.in_(ids))
            .group_by(Reaction.post_id, Reaction.emoji)
            .order_by(Reaction.post_id, Reaction.emoji)
        )
    ).all()
    reactions: dict[uuid.UUID, list[tuple[str, int, bool]]] = {}
    for post_id, emoji, count, mine in reaction_rows:
        reactions.setdefault(post_id, []).append((emoji, count, bool(mine)))
    revisions = dict(
        (
            await session.execute(
                select(PostRevision.post_id, func.count())
                .where(PostRevision.post_id.in_(ids))
                .group_by(PostRevision.post_id)
            )
        ).all()
    )
    if threads is None:
        thread_ids = {p.thread_id for p in posts}
        threads = {
            t.id: t
            for t in (await session.execute(select(Thread).where(Thread.id.in_(thread_ids)))).scalars()
        }
    if requests is None:
        advisory_ids = [t.id for t in threads.values() if t.is_advisory]
        requests = (
            {
                r.thread_id: r
                for r in (
                    await session.execute(
                        select(AdvisoryRequest).where(AdvisoryRequest.thread_id.in_(advisory_ids))
                    )
                ).scalars()
            }
            if advisory_ids
            else {}
        )
    moderator = is_moderator(principal)
    views = []
    for p in posts:
        thread = threads.get(p.thread_id)
        request = requests.get(p.thread_id)
        views.append(
            PostView(
                post=p,
                author=authors.get(p.author_id) if p.author_id else None,
                attributed_to=thread.attributed_to if thread and p.author_id is None else None,
                reactions=reactions.get(p.id, []),
                revision_count=revisions.get(p.id, 0),
                is_answer=bool(
                    request and request.answered_by and p.author_id == request.answered_by and p.number > 1
                ),
                is_accepted=bool(request and request.accepted_post_id == p.id),
                show_body=p.deleted_at is None and (not p.hidden or moderator),
            )
        )
    return views


async def thread_page(
    principal: Principal | None,
    thread_id: uuid.UUID,
    *,
    session: AsyncSession,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[Thread, Space, AdvisoryRequest | None, list[PostView], list[str], str | None]:
    """Posts in order; the cursor is the number of the last post seen."""
    thread, space = await readable_thread(thread_id, principal, session=session)
    limit = max(1, min(limit, MAX_PAGE))
    after = decode_cursor(cursor)
    try:
        start = int(after[0]) if after else 0
    except (ValueError, TypeError, IndexError):
        raise DomainError("validation_error", "the cursor is not one this API issued") from None
    query = (
        select(Post)
        .where(Post.thread_id == thread_id, Post.number > start)
        .order_by(Post.number)
        .limit(limit + 1)
    )
    posts = list((await session.execute(query)).scalars())
    more = len(posts) > limit
    posts = posts[:limit]
    request = None
    if thread.is_advisory:
        request = (
            await session.execute(select(AdvisoryRequest).where(AdvisoryRequest.thread_id == thread.id))
        ).scalar_one_or_none()
    views = await post_views(
        posts,
        principal,
        session=session,
        threads={thread.id: thread},
        requests={thread.id: request} if request else {},
    )
    cursors = [encode_cursor(p.number) for p in posts]
    return thread, space, request, views, cursors, (cursors[-1] if more else None)


async def get_post(principal: Principal | None, post_id: uuid.UUID, *, session: AsyncSession) -> PostView:
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound("post", post_id, code="post_not_found")
    await readable_thread(post.thread_id, principal, session=session)
    return (await post_views([post], principal, session=session))[0]


async def get_posts(
    principal: Principal | None, ids: list[uuid.UUID], *, session: AsyncSession
) -> list[PostView]:
    """Batch read; posts the caller may not read are left out, like unknown ones."""
    if not ids:
        return []
    query = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Space, Space.id == Thread.space_id)
        .where(Post.id.in_(ids), Thread.deleted_at.is_(None), readable_spaces(principal))
    )
    return await post_views(list((await session.execute(query)).scalars()), principal, session=session)


async def get_threads(
    principal: Principal | None, ids: list[uuid.UUID], *, session: AsyncSession
) -> list[Thread]:
    if not ids:
        return []
    query = (
        select(Thread)
        .join(Space, Space.id == Thread.space_id)
        .where(Thread.id.in_(ids), Thread.deleted_at.is_(None), readable_spaces(principal))
    )
    return list((await session.execute(query)).scalars())

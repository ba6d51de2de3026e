"""Posts: writing (with mentions, quotes and replies), editing with history, soft delete, reactions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import (
    Post,
    PostRevision,
    Reaction,
    ReadMark,
    Space,
    Thread,
    User,
    Watch,
    now,
    outbox,
)
from services.forum.rendering import (
    content_hash,
    mentioned_handles,
    plain_text,
    render,
    render_quote,
    searchable,
)
from services.forum.service import guards
from services.forum.service.access import can_read, is_moderator, readable_thread
from services.forum.service.people import ensure_caller, users_by_handles
from services.forum.service.watching import watcher_ids
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.events.forum import PostCreated, UserMentioned
from shared.outbox import record

REACTIONS = ("👍", "❤️", "🎉", "💡", "🙏", "👀")


@dataclass
class Author:
    """Who writes a post: a person, or (for the seed) nobody, with an attribution instead."""

    user: User | None
    privileged: bool = False


async def add_post(
    thread: Thread,
    space: Space,
    author: Author,
    body: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
    redis=None,  # type: ignore[no-untyped-def]
    reply_to: Post | None = None,
    quote: Post | None = None,
) -> Post:
    """Store a post in a thread the caller may already write to; emits PostCreated and UserMentioned."""
    guards.check_lengths(settings, body=body)
    digest = content_hash(body)
    author_id = author.user.id if author.user else None
    if author.user is not None:
        await guards.check_not_repeated(author_id, digest, settings, session=session)
        await guards.check_new_account_limit(author.user, settings, redis=redis, privileged=author.privileged)
    handles = mentioned_handles(body)
    mentioned = await users_by_handles(handles, session=session)
    html = render(body, mentions={h: str(u.id) for h, u in mentioned.items()})
    # Search indexes the author's own words: a quoted post is found as itself, not again in each reply.
    own_text = plain_text(html)
    if quote is not None:
        quoted_by = await session.get(User, quote.author_id) if quote.author_id else None
        name = quoted_by.display_name if quoted_by else (thread.attributed_to or "")
        html = render_quote(name, quote.body_html) + html
    # Allocate the number atomically on both engines: concurrent replies never share one.
    moment = now()
    number = (
        await session.execute(
            update(Thread)
            .where(Thread.id == thread.id)
            .values(
                last_post_number=Thread.last_post_number + 1,
                post_count=Thread.post_count + 1,
                last_post_at=moment,
            )
            .returning(Thread.last_post_number)
        )
    ).scalar_one()
    await session.refresh(thread)
    post = Post(
        id=uuid.uuid4(),
        thread_id=thread.id,
        number=number,
        author_id=author_id,
        body_md=body,
        body_html=html,
        reply_to_post_id=reply_to.id if reply_to else None,
        quote_post_id=quote.id if quote else None,
        content_hash=digest,
        search_text=searchable(
            thread.title if number == 1 else "",
            thread.title_en or "" if number == 1 else "",
            own_text,
        ),
        created_at=moment,
    )
    session.add(post)
    await session.flush()
    if author_id is not None:
        if await session.get(Watch, (author_id, "thread", thread.id)) is None:
            session.add(Watch(user_id=author_id, target_kind="thread", target_id=thread.id, level="watching"))
        # One's own post is read, and so is what one answered: the mark moves up to it.
        if (mark := await session.get(ReadMark, (author_id, thread.id))) is None:
            session.add(ReadMark(user_id=author_id, thread_id=thread.id, last_read_number=number))
        else:
            mark.last_read_number = max(mark.last_read_number, number)
        await session.flush()
    watchers = await watcher_ids(thread, space, exclude=author_id, session=session)
    await record(
        session,
        outbox,
        PostCreated(
            post_id=post.id,
            thread_id=thread.id,
            space_id=space.id,
            author_id=author_id,
            reply_to_post_id=reply_to.id if reply_to else None,
            reply_to_author_id=reply_to.author_id if reply_to else None,
            is_private=space.is_private,
            excerpt=plain_text(html)[:280],
            watcher_ids=sorted(watchers, key=str),
        ),
        subject=str(thread.id),
    )
    for user in mentioned.values():
        if user.id == author_id:
            continue
        if space.is_private and not await can_read(space, _as_principal(user), session=session):
            continue  # a mention never leaks a private space to someone outside it
        await record(
            session,
            outbox,
            UserMentioned(
                post_id=post.id, thread_id=thread.id, mentioned_user_id=user.id, author_id=author_id
            ),
            subject=str(thread.id),
        )
    return post


def _as_principal(user: User) -> Principal:
    return Principal(user_id=user.id, roles=frozenset(user.roles or []))


async def reply(
    principal: Principal,
    thread_id: uuid.UUID,
    body: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
    redis=None,  # type: ignore[no-untyped-def]
    reply_to_post_id: uuid.UUID | None = None,
    quote_post_id: uuid.UUID | None = None,
) -> Post:
    thread, space = await readable_thread(thread_id, principal, session=session, for_update=True)
    if thread.locked and not is_moderator(principal):
        raise DomainError("thread_locked", "this thread is locked; it takes no new posts")
    reply_to = await _post_in_thread(reply_to_post_id, thread, session=session) if reply_to_post_id else None
    quote = await _post_in_thread(quote_post_id, thread, session=session) if quote_post_id else None
    user = await ensure_caller(principal, session=session)
    author = Author(
        user, privileged=is_moderator(principal) or principal.has_any("agency_officer", "advisor")
    )
    return await add_post(
        thread,
        space,
        author,
        body,
        settings=settings,
        session=session,
        redis=redis,
        reply_to=reply_to,
        quote=quote,
    )


async def _post_in_thread(post_id: uuid.UUID, thread: Thread, *, session: AsyncSession) -> Post:
    post = await session.get(Post, post_id)
    if post is None or post.thread_id != thread.id or post.deleted_at is not None or post.hidden:
        raise NotFound("post", post_id, code="post_not_found")
    return post


async def writable_post(
    principal: Principal, post_id: uuid.UUID, *, session: AsyncSession
) -> tuple[Post, Thread, Space]:
    post = await session.get(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("post", post_id, code="post_not_found")
    thread, space = await readable_thread(post.thread_id, principal, session=session)
    if post.author_id != principal.user_id and not is_moderator(principal):
        raise DomainError("forbidden", "only its author or a moderator may change a post")
    if thread.locked and not is_moderator(principal):
        raise DomainError("thread_locked", "this thread is locked")
    return post, thread, space


async def edit_post(
    principal: Principal, post_id: uuid.UUID, body: str, *, settings: ForumSettings, session: AsyncSession
) -> Post:
    post, thread, _ = await writable_post(principal, post_id, session=session)
    guards.check_lengths(settings, body=body)
    if body == post.body_md:
        return post
    session.add(PostRevision(post_id=post.id, body_md=post.body_md, editor_id=principal.user_id))
    mentioned = await users_by_handles(mentioned_handles(body), session=session)
    html = render(body, mentions={h: str(u.id) for h, u in mentioned.items()})
    if post.quote_post_id and (quote := await session.get(Post, post.quote_post_id)) is not None:
        quoted_by = await session.get(User, quote.author_id) if quote.author_id else None
        html = render_quote(quoted_by.display_name if quoted_by else "", quote.body_html) + html
    post.body_md, post.body_html, post.content_hash = body, html, content_hash(body)
    first = post.number == 1
    post.search_text = searchable(
        thread.title if first else "", (thread.title_en or "") if first else "", plain_text(html)
    )
    post.edited_at = now()
    await session.flush()
    return post


async def delete_post(principal: Principal, post_id: uuid.UUID, *, session: AsyncSession) -> Post:
    post, thread, _ = await writable_post(principal, post_id, session=session)
    post.deleted_at = now()
    thread.post_count = max(0, thread.post_count - 1)
    await session.flush()
    return post


async def revisions(
    principal: Principal | None, post_id: uuid.UUID, *, session: AsyncSession
) -> list[PostRevision]:
    post = await session.get(Post, post_id)
    if post is None:
        raise NotFound("post", post_id, code="post_not_found")
    await readable_thread(post.thread_id, principal, session=session)
    query = select(PostRevision).where(PostRevision.post_id == post_id).order_by(PostRevision.seq)
    return list((await session.execute(query)).scalars())


async def react(
    principal: Principal, post_id: uuid.UUID, emoji: str, *, add: bool, session: AsyncSession
) -> None:
    if emoji not in REACTIONS:
        raise DomainError(
            "validation_error",
            f"reactions are one of {' '.join(REACTIONS)}",
            details={"fields": [{"field": "emoji", "problem": "not an allowed reaction"}]},
        )
    post = await session.get(Post, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound("post", post_id, code="post_not_found")
    await readable_thread(post.thread_id, principal, session=session)
    key = (post_id, principal.user_id, emoji)
    existing = await session.get(Reaction, key)
    if add and existing is None:
        session.add(Reaction(post_id=post_id, user_id=principal.user_id, emoji=emoji))
    elif not add and existing is not None:
        await session.execute(
            delete(Reaction).where(
                Reaction.post_id == post_id, Reaction.user_id == principal.user_id, Reaction.emoji == emoji
            )
        )
    await session.flush()

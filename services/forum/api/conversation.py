"""Spaces, threads, posts, reactions, watching and reading."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, status

from services.forum.api.deps import Redis, Settings
from services.forum.schemas import (
    IdsIn,
    PostEditIn,
    PostIn,
    PostOut,
    ReactionIn,
    ReadIn,
    ReadOut,
    RevisionOut,
    SpaceOut,
    ThreadCreated,
    ThreadFlagsIn,
    ThreadIn,
    ThreadOut,
    ThreadPage,
    WatchIn,
    WatchOut,
)
from services.forum.service import posts, reading, spaces, threads, watching
from services.forum.service.access import get_space, require_read
from services.forum.service.advisory import request_of_thread, requests_of_threads
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter(tags=["conversation"])


@router.get(
    "/spaces", response_model=Page[SpaceOut], summary="Spaces the caller may read, with unread counts"
)
async def list_spaces(
    session: Session,
    user: MaybeUser,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[SpaceOut]:
    rows, cursors, next_cursor = await spaces.list_spaces(
        user, kind=kind, session=session, cursor=cursor, limit=limit
    )
    return Page(items=[SpaceOut.of(s, n, u) for s, n, u in rows], cursors=cursors, next_cursor=next_cursor)


@router.post("/spaces/batch", response_model=list[SpaceOut], summary="Spaces by id; unreadable ones left out")
async def spaces_batch(body: IdsIn, session: Session, user: MaybeUser) -> list[SpaceOut]:
    return [SpaceOut.of(s, n, u) for s, n, u in await spaces.get_spaces(user, body.ids, session=session)]


@router.get("/spaces/{space_id}", response_model=SpaceOut)
async def get_space_route(space_id: uuid.UUID, session: Session, user: MaybeUser) -> SpaceOut:
    space = await get_space(space_id, session=session)
    await require_read(space, user, session=session)
    return SpaceOut.of(space)


@router.get("/spaces/{space_id}/threads", response_model=Page[ThreadOut])
async def list_threads(
    space_id: uuid.UUID,
    session: Session,
    user: MaybeUser,
    cursor: str | None = None,
    limit: int = Query(default=30, ge=1, le=MAX_PAGE),
    advisory: bool = False,
    solved: bool | None = None,
) -> Page[ThreadOut]:
    rows, cursors, next_cursor = await threads.list_threads(
        user, space_id, session=session, cursor=cursor, limit=limit, advisory_only=advisory, solved=solved
    )
    return Page(items=await _thread_outs(rows, user, session), cursors=cursors, next_cursor=next_cursor)


async def _thread_outs(rows, user, session) -> list[ThreadOut]:  # type: ignore[no-untyped-def]
    ids = [t.id for t in rows]
    marks = await watching.read_marks(user.user_id, ids, session=session) if user else {}
    levels = await watching.watch_levels(user.user_id, "thread", ids, session=session) if user else {}
    requests = await requests_of_threads([t.id for t in rows if t.is_advisory], session=session)
    return [
        ThreadOut.of(
            t, read=marks.get(t.id, 0) if user else None, watch=levels.get(t.id), request=requests.get(t.id)
        )
        for t in rows
    ]


@router.post("/spaces/{space_id}/threads", status_code=status.HTTP_201_CREATED, response_model=ThreadCreated)
async def create_thread(
    space_id: uuid.UUID, body: ThreadIn, session: Session, user: CurrentUser, settings: Settings, redis: Redis
) -> ThreadCreated:
    ask = threads.AdvisoryAsk(body.advisory.topic, body.advisory.country) if body.advisory else None
    thread, post = await threads.start_thread(
        user, space_id, body.title, body.body, settings=settings, session=session, redis=redis, ask=ask
    )
    request = await request_of_thread(thread.id, session=session) if ask else None
    view = await reading.get_post(user, post.id, session=session)
    return ThreadCreated(thread=ThreadOut.of(thread, request=request), post=PostOut.of(view))


@router.post(
    "/threads/batch", response_model=list[ThreadOut], summary="Threads by id; unreadable ones left out"
)
async def threads_batch(body: IdsIn, session: Session, user: MaybeUser) -> list[ThreadOut]:
    return await _thread_outs(await reading.get_threads(user, body.ids, session=session), user, session)


@router.get("/threads/{thread_id}", response_model=ThreadPage, summary="A thread and a page of its posts")
async def thread_page(
    thread_id: uuid.UUID,
    session: Session,
    user: MaybeUser,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> ThreadPage:
    thread, space, request, views, cursors, next_cursor = await reading.thread_page(
        user, thread_id, session=session, cursor=cursor, limit=limit
    )
    read = watch = None
    if user is not None:
        read = (await watching.read_marks(user.user_id, [thread.id], session=session)).get(thread.id, 0)
        watch = (await watching.watch_levels(user.user_id, "thread", [thread.id], session=session)).get(
            thread.id
        )
    return ThreadPage(
        thread=ThreadOut.of(thread, read=read, watch=watch, request=request),
        space=SpaceOut.of(space),
        items=[PostOut.of(v) for v in views],
        cursors=cursors,
        next_cursor=next_cursor,
    )


@router.post("/threads/{thread_id}/posts", status_code=status.HTTP_201_CREATED, response_model=PostOut)
async def create_post(
    thread_id: uuid.UUID, body: PostIn, session: Session, user: CurrentUser, settings: Settings, redis: Redis
) -> PostOut:
    post = await posts.reply(
        user,
        thread_id,
        body.body,
        settings=settings,
        session=session,
        redis=redis,
        reply_to_post_id=body.reply_to_post_id,
        quote_post_id=body.quote_post_id,
    )
    return PostOut.of(await reading.get_post(user, post.id, session=session))


@router.patch("/threads/{thread_id}", response_model=ThreadOut, summary="Pin or lock (moderators)")
async def update_thread(
    thread_id: uuid.UUID, body: ThreadFlagsIn, session: Session, user: CurrentUser
) -> ThreadOut:
    thread = await threads.set_flags(user, thread_id, pinned=body.pinned, locked=body.locked, session=session)
    return ThreadOut.of(thread)


@router.post("/threads/{thread_id}/read", response_model=ReadOut, summary="Mark read up to a post number")
async def mark_read(thread_id: uuid.UUID, body: ReadIn, session: Session, user: CurrentUser) -> ReadOut:
    mark = await watching.mark_read(user, thread_id, up_to=body.up_to, session=session)
    thread, _ = await reading.readable_thread(thread_id, user, session=session)
    return ReadOut(
        thread_id=thread_id,
        last_read_number=mark.last_read_number,
        unread_count=max(0, thread.last_post_number - mark.last_read_number),
    )


@router.put("/threads/{thread_id}/watch", response_model=WatchOut)
async def watch_thread(thread_id: uuid.UUID, body: WatchIn, session: Session, user: CurrentUser) -> WatchOut:
    w = await watching.set_watch(
        user, target_kind="thread", target_id=thread_id, level=body.level, session=session
    )
    return WatchOut(target_kind=w.target_kind, target_id=w.target_id, level=w.level)


@router.put("/spaces/{space_id}/watch", response_model=WatchOut)
async def watch_space(space_id: uuid.UUID, body: WatchIn, session: Session, user: CurrentUser) -> WatchOut:
    w = await watching.set_watch(
        user, target_kind="space", target_id=space_id, level=body.level, session=session
    )
    return WatchOut(target_kind=w.target_kind, target_id=w.target_id, level=w.level)


@router.post("/posts/batch", response_model=list[PostOut], summary="Posts by id; unreadable ones left out")
async def posts_batch(body: IdsIn, session: Session, user: MaybeUser) -> list[PostOut]:
    return [PostOut.of(v) for v in await reading.get_posts(user, body.ids, session=session)]


@router.get("/posts/{post_id}", response_model=PostOut)
async def get_post(post_id: uuid.UUID, session: Session, user: MaybeUser) -> PostOut:
    return PostOut.of(await reading.get_post(user, post_id, session=session))


@router.patch("/posts/{post_id}", response_model=PostOut, summary="Edit (the old text goes to the history)")
async def edit_post(
    post_id: uuid.UUID, body: PostEditIn, session: Session, user: CurrentUser, settings: Settings
) -> PostOut:
    await posts.edit_post(user, post_id, body.body, settings=settings, session=session)
    return PostOut.of(await reading.get_post(user, post_id, session=session))


@router.delete("/posts/{post_id}", response_model=PostOut, summary="Soft delete")
async def delete_post(post_id: uuid.UUID, session: Session, user: CurrentUser) -> PostOut:
    await posts.delete_post(user, post_id, session=session)
    return PostOut.of(await reading.get_post(user, post_id, session=session))


@router.get("/posts/{post_id}/revisions", response_model=list[RevisionOut])
async def post_revisions(post_id: uuid.UUID, session: Session, user: MaybeUser) -> list[RevisionOut]:
    return [RevisionOut.model_validate(r) for r in await posts.revisions(user, post_id, session=session)]


@router.post("/posts/{post_id}/reactions", response_model=PostOut, summary="Add or take back a reaction")
async def react(post_id: uuid.UUID, body: ReactionIn, session: Session, user: CurrentUser) -> PostOut:
    await posts.react(user, post_id, body.emoji, add=body.add, session=session)
    return PostOut.of(await reading.get_post(user, post_id, session=session))

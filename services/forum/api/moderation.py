"""Flags, the review queue, hiding and restoring; and search."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Query

from services.forum.api.deps import Settings
from services.forum.rendering import plain_text
from services.forum.schemas import FlagIn, PostOut, QueueItem, SearchHit, ThreadOut
from services.forum.service import moderation, reading, search
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter()


@router.post("/posts/{post_id}/flags", response_model=PostOut, tags=["moderation"])
async def flag(
    post_id: uuid.UUID, body: FlagIn, session: Session, user: CurrentUser, settings: Settings
) -> PostOut:
    await moderation.flag(user, post_id, body.reason, body.note, settings=settings, session=session)
    return PostOut.of(await reading.get_post(user, post_id, session=session))


@router.post("/posts/{post_id}/hide", response_model=PostOut, tags=["moderation"])
async def hide(post_id: uuid.UUID, session: Session, user: CurrentUser) -> PostOut:
    post = await moderation.hide(user, post_id, session=session)
    return PostOut.of((await reading.post_views([post], user, session=session))[0])


@router.post("/posts/{post_id}/restore", response_model=PostOut, tags=["moderation"])
async def restore(post_id: uuid.UUID, session: Session, user: CurrentUser) -> PostOut:
    post = await moderation.restore(user, post_id, session=session)
    return PostOut.of((await reading.post_views([post], user, session=session))[0])


@router.get("/moderation/queue", response_model=Page[QueueItem], tags=["moderation"])
async def review_queue(
    session: Session,
    user: CurrentUser,
    cursor: str | None = None,
    limit: int = Query(default=30, ge=1, le=MAX_PAGE),
) -> Page[QueueItem]:
    items, cursors, next_cursor = await moderation.review_queue(
        user, session=session, cursor=cursor, limit=limit
    )
    views = await reading.post_views([p for p, *_ in items], user, session=session)
    out = [
        QueueItem(post=PostOut.of(v), open_flags=n, reasons=r, first_flagged_at=f)
        for v, (_, n, r, f) in zip(views, items, strict=True)
    ]
    return Page(items=out, cursors=cursors, next_cursor=next_cursor)


@router.get("/search", response_model=Page[SearchHit], tags=["search"])
async def search_posts(
    session: Session,
    user: MaybeUser,
    q: str = Query(min_length=1, max_length=300),
    space_id: uuid.UUID | None = None,
    space_kind: str | None = None,
    author_id: uuid.UUID | None = None,
    advisory: bool | None = None,
    solved: bool | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int = Query(default=20, ge=1, le=MAX_PAGE),
) -> Page[SearchHit]:
    filters = search.SearchFilters(
        space_id=space_id,
        space_kind=space_kind,
        author_id=author_id,
        advisory=advisory,
        solved=solved,
        since=since,
        until=until,
    )
    hits, cursors, next_cursor = await search.search(
        user, q, filters, session=session, cursor=cursor, limit=limit
    )
    items = [
        SearchHit(
            post=PostOut.of(h.view),
            thread=ThreadOut.of(h.thread),
            score=h.score,
            excerpt=plain_text(h.view.post.body_html)[:240],
        )
        for h in hits
    ]
    return Page(items=items, cursors=cursors, next_cursor=next_cursor)

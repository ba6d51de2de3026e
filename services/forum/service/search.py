"""Full-text search over threads and posts, accent- and case-insensitive, Spanish and English.

Both engines index ``posts.search_text``, which the service already folds (no accents, no case):
PostgreSQL through the narrow ``post_search`` table and its prefix index (search_postgres.py ranks
the newest matches), SQLite through an FTS5 table kept by triggers (every match ranked). Snowball's Spanish stemmer needs the accents people leave out ("financiacion" stays
whole), so each query word is cut to a stem-like prefix instead: "financiación", "financiacion",
"financiamiento" and "financing" all meet at "financ…". Every word is required; results come by
relevance with a keyset cursor (score, id).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Float, String, and_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Post, Space, Thread
from services.forum.service import search_postgres
from services.forum.service.access import readable_spaces
from services.forum.service.reading import PostView, post_views
from shared.auth import Principal
from shared.errors import DomainError
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.text import fold

_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class SearchFilters:
    space_id: uuid.UUID | None = None
    space_kind: str | None = None
    author_id: uuid.UUID | None = None
    advisory: bool | None = None
    solved: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Hit:
    view: PostView
    thread: Thread
    score: float


STOPWORDS = frozenset(
    "a al and are as at be by con de del el en es for from in is la las lo los of on or para por que se "
    "sin su sus the to un una uno y with".split()
)


def stems(query: str) -> list[str]:
    """Folded words (no stopwords) cut to a prefix that survives Spanish and English inflection."""
    words = [w for w in _WORD.findall(fold(query)) if w not in STOPWORDS] or _WORD.findall(fold(query))
    out: list[str] = []
    for w in words[:16]:
        stem = w if len(w) <= 4 else w[: max(4, -(-len(w) * 3 // 5))]
        if stem not in out:
            out.append(stem)
    return out


def _fts5_expression(words: list[str]) -> str:
    return " ".join(f'"{w}"*' for w in words)


async def search(
    principal: Principal | None,
    q: str,
    filters: SearchFilters,
    *,
    session: AsyncSession,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Hit], list[str], str | None]:
    words = stems(q)
    if not words or len(q) > 300:
        raise DomainError(
            "validation_error",
            "search for one or more words (at most 300 characters)",
            details={"fields": [{"field": "q", "problem": "no words to search for"}]},
        )
    limit = max(1, min(limit, MAX_PAGE))
    after = _after(cursor)
    if session.bind.dialect.name == "postgresql":
        private_ids = await _private_spaces(principal, session=session)
        window = await search_postgres.ranked(words, private_ids, filters, session=session)
        # The window is at most RANK_WINDOW rows: ordering and the cursor are cheaper here than in SQL.
        ordered = sorted(((float(score), pid.int, pid) for pid, score in window), key=lambda r: (-r[0], r[1]))
        if after is not None:
            last_score, last_id = after[0], after[1].int
            ordered = [r for r in ordered if r[0] < last_score or (r[0] == last_score and r[1] > last_id)]
        rows = [(score, uuid.UUID(int=number)) for score, number, _ in ordered[: limit + 1]]
    else:
        rows = [
            (float(r.score), r.post_id)
            for r in await _sqlite_rows(words, principal, filters, after, limit, session)
        ]
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [post_id for _, post_id in rows]
    posts = (
        {p.id: p for p in (await session.execute(select(Post).where(Post.id.in_(ids)))).scalars()}
        if ids
        else {}
    )
    threads = (
        {
            t.id: t
            for t in (
                await session.execute(
                    select(Thread).where(Thread.id.in_({p.thread_id for p in posts.values()}))
                )
            ).scalars()
        }
        if posts
        else {}
    )
    views = {
        v.post.id: v
        for v in await post_views(list(posts.values()), principal, session=session, threads=threads)
    }
    hits = [
        Hit(view=views[post_id], thread=threads[posts[post_id].thread_id], score=score)
        for score, post_id in rows
        if post_id in views
    ]
    cursors = [encode_cursor(h.score, str(h.view.post.id)) for h in hits]
    return hits, cursors, (cursors[-1] if more else None)


def _after(cursor: str | None) -> tuple[float, uuid.UUID] | None:
    if (after := decode_cursor(cursor)) is None:
        return None
    try:
        return float(after[0]), uuid.UUID(str(after[1]))
    except (ValueError, TypeError, IndexError):
        raise DomainError("validation_error", "the cursor is not one this API issued") from None


async def _private_spaces(principal: Principal | None, *, session: AsyncSession) -> list[uuid.UUID]:
    """The private spaces the caller may read (none for anonymous readers): few, so listed first."""
    if principal is None:
        return []
    query = select(Space.id).where(Space.is_private.is_(True), readable_spaces(principal))
    return list((await session.execute(query)).scalars())


async def _sqlite_rows(words, principal, filters, after, limit, session):  # type: ignore[no-untyped-def]
    """FTS5 ranks every match with bm25 (an embedded forum is small); keyset cursor on (score, id)."""
    fts = text("SELECT post_id, -bm25(posts_fts) AS score FROM posts_fts WHERE posts_fts MATCH :m")
    fts = fts.bindparams(m=_fts5_expression(words)).columns(post_id=String, score=Float).subquery()
    found = (
        select(Post.id.label("post_id"), fts.c.score)
        .join(fts, fts.c.post_id == Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Space, Space.id == Thread.space_id)
        .where(
            Post.deleted_at.is_(None),
            Post.hidden.is_(False),
            Thread.deleted_at.is_(None),
            readable_spaces(principal),
        )
    )
    ranked = _filtered(found, filters, session).subquery()
    query = select(ranked.c.post_id, ranked.c.score)
    if after is not None:
        last_score, last = after
        query = query.where(
            or_(ranked.c.score < last_score, and_(ranked.c.score == last_score, ranked.c.post_id > last))
        )
    query = query.order_by(ranked.c.score.desc(), ranked.c.post_id).limit(limit + 1)
    return (await session.execute(query)).all()


def _filtered(query, filters: SearchFilters, session: AsyncSession):  # type: ignore[no-untyped-def]
    if filters.space_id:
        query = query.where(Thread.space_id == filters.space_id)
    if filters.space_kind:
        query = query.where(Space.kind == filters.space_kind)
    if filters.author_id:
        query = query.where(Post.author_id == filters.author_id)
    if filters.advisory is not None:
        query = query.where(Thread.is_advisory.is_(filters.advisory))
    if filters.solved is not None:
        query = query.where(Thread.solved.is_(filters.solved))
    sqlite = session.bind.dialect.name == "sqlite"

    def stored(moment: datetime) -> datetime:
        # SQLite keeps naive UTC text; PostgreSQL compares aware values itself.
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(tzinfo=None) if sqlite else moment

    if filters.since:
        query = query.where(Post.created_at >= stored(filters.since))
    if filters.until:
        query = query.where(Post.created_at < stored(filters.until))
    return query

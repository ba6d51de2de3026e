"""Full-text search over threads and posts, accent- and case-insensitive, Spanish and English.

Both engines index ``posts.search_text``, which the service already folds (no accents, no case):
PostgreSQL through a generated 'simple' tsvector with a GIN index, SQLite through an FTS5 table kept
by triggers. Snowball's Spanish stemmer needs the accents people leave out ("financiacion" stays
whole), so each query word is cut to a stem-like prefix instead: "financiación", "financiacion",
"financiamiento" and "financing" all meet at "financ…". Every word is required; results come by
relevance with a keyset cursor (score, id).
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Float, String, and_, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Post, Space, Thread
from services.forum.service.access import readable_spaces
from services.forum.service.reading import PostView, post_views
from shared.auth import Principal
from shared.errors import DomainError
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.text import fold

_WORD = re.compile(r"[a-z0-9]+")
# How many of the newest matches PostgreSQL ranks by relevance, and how many of the newest posts
# _plan_for samples to tell a common word from a rare one.
RANK_WINDOW = 200
SAMPLE = 2000
PLANNER_SETTINGS = (
    "jit",
    "max_parallel_workers_per_gather",
    "enable_seqscan",
    "enable_indexscan",
    "enable_bitmapscan",
    "enable_sort",
)


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


def _tsquery(words: list[str]):  # type: ignore[no-untyped-def]
    # Words are [a-z0-9]+ only, so the tsquery text cannot carry operators of its own.
    return func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words))


async def _plan_for(tsq, *, session: AsyncSession) -> None:  # type: ignore[no-untyped-def]
    """Choose the plan ourselves: PostgreSQL cannot estimate how many posts a prefix matches.

    A rare word is best found through the GIN index, then its few matches sorted by date; a common
    one by walking the date index newest-first until the window is full (about RANK_WINDOW / density
    rows). Guessing wrong costs a heap visit per match, tens of thousands at a million posts. So
    look at the newest SAMPLE posts (cheap: the date index, hot pages) and measure the density;
    walking wins when density > sqrt(RANK_WINDOW / posts), where both costs meet.
    """
    newest = (
        select(literal_column("posts.search_vector").label("v"))
        .select_from(Post)
        .order_by(Post.created_at.desc())
        .limit(SAMPLE)
    )
    newest = newest.subquery()
    probe = select(func.count()).select_from(newest).where(newest.c.v.op("@@")(tsq))
    hits = (await session.execute(probe)).scalar_one()
    total = (
        await session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'posts'::regclass"))
    ).scalar()
    walk = hits / SAMPLE > math.sqrt(RANK_WINDOW / max(float(total or 0), 1.0))
    # JIT off: the disabled plan types add huge costs that would otherwise trigger a slow compilation.
    # A rare word needs no push: the planner underestimates prefix matches, so it takes the GIN index.
    settings = ["jit = off", "max_parallel_workers_per_gather = 0"]
    settings += ["enable_seqscan = off", "enable_bitmapscan = off", "enable_sort = off"] if walk else []
    for setting in settings:
        await session.execute(text(f"SET LOCAL {setting}"))


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
    postgres = session.bind.dialect.name == "postgresql"
    if postgres:
        tsq = _tsquery(words)
        vector = literal_column("posts.search_vector")
        found = select(Post.id.label("post_id"), vector.label("vector")).where(vector.op("@@")(tsq))
    else:
        fts = text("SELECT post_id, -bm25(posts_fts) AS score FROM posts_fts WHERE posts_fts MATCH :m")
        fts = fts.bindparams(m=_fts5_expression(words)).columns(post_id=String, score=Float).subquery()
        found = select(Post.id.label("post_id"), fts.c.score).join(fts, fts.c.post_id == Post.id)
    found = (
        found.join(Thread, Thread.id == Post.thread_id)
        .join(Space, Space.id == Thread.space_id)
        .where(
            Post.deleted_at.is_(None),
            Post.hidden.is_(False),
            Thread.deleted_at.is_(None),
            readable_spaces(principal),
        )
    )
    found = _filtered(found, filters, session)
    if postgres:
        # Rank the newest matches only: a common word matches a large share of a million posts, and
        # ranking them all costs a heap visit each. Newest-first lets the planner walk the date index
        # for common words and use the GIN index for rare ones; relevance then orders that window.
        window = found.order_by(Post.created_at.desc()).limit(RANK_WINDOW).subquery()
        ranked = select(window.c.post_id, func.ts_rank(window.c.vector, tsq).label("score")).subquery()
    else:
        ranked = found.subquery()
    query = select(ranked.c.post_id, ranked.c.score)
    if (after := decode_cursor(cursor)) is not None:
        try:
            last_score, last_id = float(after[0]), str(after[1])
            uuid.UUID(last_id)
        except (ValueError, TypeError, IndexError):
            raise DomainError("validation_error", "the cursor is not one this API issued") from None
        last = uuid.UUID(last_id)
        query = query.where(
            or_(ranked.c.score < last_score, and_(ranked.c.score == last_score, ranked.c.post_id > last))
        )
    query = query.order_by(ranked.c.score.desc(), ranked.c.post_id).limit(limit + 1)
    if postgres:
        await _plan_for(tsq, session=session)
        try:
            rows = (await session.execute(query)).all()
        finally:
            for setting in PLANNER_SETTINGS:
                await session.execute(text(f"SET LOCAL {setting} TO DEFAULT"))
    else:
        rows = (await session.execute(query)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r.post_id for r in rows]
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
        Hit(view=views[r.post_id], thread=threads[posts[r.post_id].thread_id], score=float(r.score))
        for r in rows
    ]
    cursors = [encode_cursor(h.score, str(h.view.post.id)) for h in hits]
    return hits, cursors, (cursors[-1] if more else None)


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

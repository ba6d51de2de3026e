"""PostgreSQL search: the newest RANK_WINDOW matches a caller may read, ranked by relevance.

Everything reads ``post_search`` (migration 0003): one narrow row per searchable post, so no plan
touches the wide posts rows. The planner cannot estimate how many posts a word prefix matches, nor
how soon a walk in date order meets them, so the service measures and chooses itself:

1. **probe**: the newest PROBE posts in scope, in date order (a btree on created_at, hot pages).
   How many match the whole query, and how many match each word. If RANK_WINDOW of them match
   (a common query) or the scope holds fewer posts, that is the answer.
2. Otherwise the densities the probe saw price the plans (`choose`), and the cheapest runs:
   * **walk**: on down the date index until RANK_WINDOW matches, about RANK_WINDOW / density
     rows; capped at WALK_SLACK times that, after which the whole lookup answers instead;
   * **lookup** in the prefix index (every prefix of every word, one exact entry per query word:
     migration 0003), then the newest matches. Every BUCKET posts share a lexeme '@<n>', so the
     lookup can keep to as many of the newest buckets as the probe's density says hold the
     window twice over: their pages are hot. Short of a window there, or when naming that many
     buckets would cost more, it looks everywhere.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

RANK_WINDOW = 200
PROBE = 2000  # the newest posts the first phase looks at
# What a row costs each plan, in walk rows (EXPLAIN ANALYZE on a million posts): a walk row is
# ~0.9 us (date index, sequential heap, one @@); an index entry read ~0.1 us; a match read from
# the heap ~4 us (a bitmap heap row, mostly in a page of its own, often not in shared buffers),
# ~2 us among the newest posts, whose pages are hot.
POSTING_COST = 1 / 9
BUCKET_CHECK_COST = 1 / 14  # ~0.06 us: one bucket's entries advanced past one candidate
HEAP_COST = 4.5
HOT_HEAP_COST = 2.0
BUCKET = 10_000  # as migration 0003 numbers them
MAX_BUCKETS = 32  # a lookup names at most this many buckets; more, and it looks everywhere
GIN_SLACK = 2  # the GIN plan looks among enough of the newest posts for this many windows
WALK_SLACK = 4  # the walk's cap: this many times the rows the probe's density says it needs
# For the whole search, one statement each way. No sequential scans: a million rows where an index
# reads a few thousand (the plans below leave the planner one sensible choice each once it cannot
# scan the table). JIT off: a disabled plan's huge cost would start a compilation of seconds.
# No parallel workers: each query reads few rows, and the machine serves other requests.
_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0", "enable_seqscan": "off"}
_SET = "SELECT set_config(n, v, true) FROM unnest(CAST(:names AS text[]), CAST(:values AS text[])) AS t(n, v)"
_RESET = "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name = ANY(:names)"


@dataclass
class Scope:
    """What the caller may read and asked for, as SQL on post_search (alias s): `where` what the
    date indexes serve (readable spaces, a space or kind of space, a period), `rows` what is checked
    row by row (author, advisory, solved): kept out of the probe's and walk's LIMIT, so that a
    filter few posts pass cannot make them read the whole table."""

    where: str
    rows: str
    params: dict[str, object]


def scope(private_ids: list[uuid.UUID], filters, kind_ids: list[uuid.UUID] | None = None) -> Scope:  # type: ignore[no-untyped-def]
    where = ["(s.public OR s.space_id = ANY(:private_ids))" if private_ids else "s.public"]
    rows = ["TRUE"]
    params: dict[str, object] = {"private_ids": private_ids}
    if kind_ids is not None:  # the readable spaces of the kind asked for
        where.append("s.space_id = ANY(:kind_ids)")
        params["kind_ids"] = kind_ids
    if filters.space_id:
        where.append("s.space_id = :space_id")
        params["space_id"] = filters.space_id
    if filters.since:
        where.append("s.created_at >= :since")
        params["since"] = _aware(filters.since)
    if filters.until:
        where.append("s.created_at < :until")
        params["until"] = _aware(filters.until)
    if filters.author_id:
        rows.append("s.post_id IN (SELECT id FROM posts WHERE author_id = :author_id)")
        params["author_id"] = filters.author_id
    if filters.advisory is not None:
        rows.append("s.thread_id IN (SELECT id FROM threads WHERE is_advisory = :advisory)")
        params["advisory"] = filters.advisory
    if filters.solved is not None:
        rows.append("s.thread_id IN (SELECT id FROM threads WHERE solved = :solved)")
        params["solved"] = filters.solved
    return Scope(" AND ".join(where), " AND ".join(rows), params)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # a time without zone is UTC


def tsquery(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)  # words are [a-z0-9]+: no operators of their own


def lookup(words: list[str]) -> str:
    """The query as entries of the prefix index: a word of four letters or more is one exact entry;
    a shorter one is matched as a prefix of the entries (short words are indexed whole)."""
    return " & ".join(w if len(w) >= 4 else f"{w}:*" for w in words)


def gin_buckets(matched: int, rows: float) -> int | None:
    """How many of the newest buckets would hold GIN_SLACK windows at the density the probe saw
    (the newest bucket is still filling); None when the probe met no match (the matches are few
    anywhere) or that is most of them anyway."""
    if not matched:
        return None
    buckets = math.ceil(GIN_SLACK * RANK_WINDOW * PROBE / matched / BUCKET) + 1
    return buckets if buckets <= MAX_BUCKETS and buckets * BUCKET < rows else None


@dataclass
class Plan:
    walk: bool
    buckets: int | None = None  # for a lookup: the newest buckets it keeps to, None for all
    cost: float = 0.0  # in walk rows


def choose(matched: int, counts: list[int], rows: float) -> Plan:
    """The cheapest plan at the densities the probe saw (the query's, and each word's)."""
    share, rarest = max(matched, 0.5) / PROBE, max(min(counts), 0.5) / PROBE
    # A lookup reads the rarest word's entries (skipping through the others'), then the matches.
    plans = [Plan(False, None, rows * rarest * POSTING_COST + HEAP_COST * share * rows)]
    if (buckets := gin_buckets(matched, rows)) is not None:
        # Each entry read is checked against every bucket named: cheap for a rare word alone,
        # dear when a rare query is made of commoner words.
        per_entry = POSTING_COST + buckets * BUCKET_CHECK_COST
        plans.append(
            Plan(False, buckets, rows * rarest * per_entry + HOT_HEAP_COST * share * buckets * BUCKET)
        )
    if matched:
        plans.append(Plan(True, None, RANK_WINDOW * PROBE / matched))
    return min(plans, key=lambda p: p.cost)


_Q = "to_tsquery('simple'::regconfig, :q)"
_RANKED = f"SELECT w.post_id, ts_rank(w.vector, {_Q}) AS score FROM ({{window}}) w"
_WALK = f"""
    SELECT n.post_id, n.vector, n.created_at FROM (
        SELECT s.post_id, s.vector, s.created_at, {{rows}} AS kept FROM post_search s WHERE {{where}}
        ORDER BY s.created_at DESC LIMIT :cap
    ) n WHERE n.kept AND n.vector @@ {_Q}
    ORDER BY n.created_at DESC LIMIT :window
"""
# forum_prefixes(vector) is the expression of the prefix index (migration 0003), spelled the same.
# OFFSET 0 keeps the order out of the lookup: the planner cannot walk the date index instead.
_GIN = """
    SELECT m.post_id, m.vector FROM (
        SELECT s.post_id, s.vector, s.created_at FROM post_search s
        WHERE forum_prefixes(s.vector) @@ {lookup} AND {where} AND {rows} OFFSET 0
    ) m ORDER BY m.created_at DESC LIMIT :window
"""
_LOOKUP = "to_tsquery('simple'::regconfig, :gq)"
_LOOKUP_RECENT = f"({_LOOKUP} && CAST(:buckets AS tsquery))"


def _probe_sql(words: list[str], where: Scope) -> str:
    per_word = "".join(
        f", count(*) FILTER (WHERE vector @@ to_tsquery('simple'::regconfig, :w{i})) AS c{i}"
        for i in range(len(words))
    )
    return f"""
        SELECT count(*) AS scanned, count(*) FILTER (WHERE m) AS matched{per_word},
               (SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'post_search'::regclass) AS total,
               (SELECT last_value FROM post_search_seq) AS last_seq,
               (array_agg(post_id ORDER BY created_at DESC) FILTER (WHERE m))[1:{RANK_WINDOW}] AS ids,
               (array_agg(ts_rank(vector, {_Q}) ORDER BY created_at DESC) FILTER (WHERE m))
                 [1:{RANK_WINDOW}] AS scores
        FROM (
            SELECT s.post_id, s.vector, s.created_at, ({where.rows}) AND s.vector @@ {_Q} AS m
            FROM post_search s WHERE {where.where} ORDER BY s.created_at DESC LIMIT {PROBE}
        ) newest
    """


async def _rows(session: AsyncSession, sql: str, params: dict) -> list[Row]:
    return list((await session.execute(text(sql), params)).all())


async def ranked(
    words: list[str], private_ids: list[uuid.UUID], filters, *, session: AsyncSession
) -> list[tuple[uuid.UUID, float]]:  # type: ignore[no-untyped-def]
    """(post_id, score) of the window: the newest RANK_WINDOW matches in scope, every one ranked."""
    names = list(_SETTINGS)
    await session.execute(text(_SET), {"names": names, "values": list(_SETTINGS.values())})
    try:
        return await _window(words, private_ids, filters, session=session)
    finally:
        await session.execute(text(_RESET), {"names": names})


async def _window(
    words: list[str], private_ids: list[uuid.UUID], filters, *, session: AsyncSession
) -> list[tuple[uuid.UUID, float]]:  # type: ignore[no-untyped-def]
    kind_ids = None
    if filters.space_kind:
        readable = "(NOT is_private OR id = ANY(:private_ids))"
        found = await session.execute(
            text(f"SELECT id FROM spaces WHERE kind = :kind AND {readable}"),
            {"kind": filters.space_kind, "private_ids": private_ids},
        )
        if not (kind_ids := list(found.scalars())):
            return []  # no space of that kind the caller may read
    where = scope(private_ids, filters, kind_ids)
    params = where.params | {"q": tsquery(words), "window": RANK_WINDOW}
    per_word = {f"w{i}": tsquery([w]) for i, w in enumerate(words)}
    probe = (await _rows(session, _probe_sql(words, where), params | per_word))[0]
    if probe.matched >= RANK_WINDOW or probe.scanned < PROBE:  # a common query, or a small scope
        return list(zip(probe.ids or [], probe.scores or [], strict=True))
    counts = [getattr(probe, f"c{i}") for i in range(len(words))]
    plan = choose(probe.matched, counts, probe.total)
    if plan.walk:
        sql = _RANKED.format(window=_WALK.format(where=where.where, rows=where.rows))
        found = await _rows(session, sql, params | {"cap": int(WALK_SLACK * plan.cost)})
        if len(found) >= RANK_WINDOW:
            return [(r.post_id, r.score) for r in found]
    params |= {"gq": lookup(words)}
    newest = int(probe.last_seq) // BUCKET
    if plan.buckets is not None and newest >= plan.buckets:  # else these buckets are all there are
        recent = " | ".join(f"'@{b}'" for b in range(newest, newest - plan.buckets, -1))
        sql = _RANKED.format(window=_GIN.format(lookup=_LOOKUP_RECENT, where=where.where, rows=where.rows))
        found = await _rows(session, sql, params | {"buckets": recent})
        if len(found) >= RANK_WINDOW:
            return [(r.post_id, r.score) for r in found]
    sql = _RANKED.format(window=_GIN.format(lookup=_LOOKUP, where=where.where, rows=where.rows))
    return [(r.post_id, r.score) for r in await _rows(session, sql, params)]

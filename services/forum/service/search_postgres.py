"""PostgreSQL search: the newest RANK_WINDOW matches a caller may read, ranked by relevance.

Everything reads ``post_search`` (migration 0003): one narrow row per searchable post, so no plan
touches the wide posts rows. The planner cannot estimate how many posts a word prefix matches, nor
how soon a walk in date order meets them, so the service measures and chooses itself:

1. **probe**: the newest PROBE posts in scope, in date order (a btree on created_at, hot pages).
   How many match the whole query, and how many match each word. If RANK_WINDOW of them match
   (a common query) or the scope holds fewer posts, that is the answer.
2. Otherwise the densities the probe saw price two plans, and the cheaper one runs:
   * **walk**: on down the date index until RANK_WINDOW matches, about RANK_WINDOW / density
     rows; capped at WALK_SLACK times that, after which the GIN plan answers instead;
   * **gin**: the GIN index over the rarest words only (a common prefix costs a posting-list
     entry per post it is in, a million-post bitmap for the commonest), every other word checked
     on the rows it returns; then the newest matches.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

RANK_WINDOW = 200
PROBE = 2000  # the newest posts the first phase looks at
# What a row costs each plan, in walk rows (EXPLAIN ANALYZE on a million posts): a walk row is
# ~0.9 us (date index, sequential heap, one @@); a GIN posting entry of a prefix ~0.3 us; a GIN
# match read from the heap ~4 us (a bitmap heap row, mostly in a page of its own).
POSTING_COST = 1 / 3
HEAP_COST = 4.5
WALK_SLACK = 4  # the walk's cap: this many times the rows the probe's density says it needs
_RESET = "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name = ANY(:names)"


@dataclass
class Scope:
    """What the caller may read and asked for, as SQL on post_search (alias s) and its parameters."""

    where: str
    params: dict[str, object]


def scope(private_ids: list[uuid.UUID], filters) -> Scope:  # type: ignore[no-untyped-def]
    where = ["(s.public OR s.space_id = ANY(:private_ids))" if private_ids else "s.public"]
    params: dict[str, object] = {"private_ids": private_ids}
    if filters.space_id:
        where.append("s.space_id = :space_id")
        params["space_id"] = filters.space_id
    if filters.space_kind:
        where.append("s.space_id IN (SELECT id FROM spaces WHERE kind = :space_kind)")
        params["space_kind"] = filters.space_kind
    if filters.author_id:
        where.append("s.post_id IN (SELECT id FROM posts WHERE author_id = :author_id)")
        params["author_id"] = filters.author_id
    if filters.advisory is not None:
        where.append("s.thread_id IN (SELECT id FROM threads WHERE is_advisory = :advisory)")
        params["advisory"] = filters.advisory
    if filters.solved is not None:
        where.append("s.thread_id IN (SELECT id FROM threads WHERE solved = :solved)")
        params["solved"] = filters.solved
    if filters.since:
        where.append("s.created_at >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("s.created_at < :until")
        params["until"] = filters.until
    return Scope(" AND ".join(where), params)


def tsquery(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)  # words are [a-z0-9]+: no operators of their own


def gin_words(words: list[str], counts: list[int]) -> list[str]:
    """The words the GIN index looks up: rarest first, each next one while it pays for itself.

    A word's posting entries cost POSTING_COST each and save HEAP_COST for each row they filter
    out: worth it while its density is below HEAP_COST / POSTING_COST times the density so far.
    Words the probe never met count as half a match: rare, so all of them are looked up.
    """
    ranked = sorted(zip(counts, words, strict=True))
    chosen, density = [], 1.0
    for count, word in ranked:
        share = max(count, 0.5) / PROBE
        if chosen and share > density * HEAP_COST / POSTING_COST:
            break
        chosen.append(word)
        density *= share
    return chosen


def plan_costs(matched: int, counts: list[int], chosen: list[str], words: list[str], rows: float):  # type: ignore[no-untyped-def]
    """(walk, gin) costs in walk rows, from the densities the probe saw."""
    walk = RANK_WINDOW * PROBE / matched if matched else math.inf
    shares = [max(c, 0.5) / PROBE for c, w in zip(counts, words, strict=True) if w in chosen]
    gin = rows * (POSTING_COST * sum(shares) + HEAP_COST * math.prod(shares))
    return walk, gin


_Q = "to_tsquery('simple'::regconfig, :q)"
_RANKED = f"SELECT w.post_id, ts_rank(w.vector, {_Q}) AS score FROM ({{window}}) w"
_WALK = f"""
    SELECT n.post_id, n.vector, n.created_at FROM (
        SELECT s.post_id, s.vector, s.created_at FROM post_search s WHERE {{where}}
        ORDER BY s.created_at DESC LIMIT :cap
    ) n WHERE n.vector @@ {_Q}
    ORDER BY n.created_at DESC LIMIT {RANK_WINDOW}
"""
# ts_match_vq is @@ as a function: the planner cannot take it to the index, so it is checked on
# the rows the index lookup of the rare words returns.
_GIN = f"""
    SELECT s.post_id, s.vector FROM post_search s
    WHERE s.vector @@ to_tsquery('simple'::regconfig, :gq) AND ts_match_vq(s.vector, {_Q}) AND {{where}}
    ORDER BY s.created_at DESC LIMIT {RANK_WINDOW}
"""
# Each plan is forced: the planner's own guess is what made common words take seconds.
_WALK_SETTINGS = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
_GIN_SETTINGS = ("enable_seqscan", "enable_indexscan")


def _probe_sql(words: list[str], where: str) -> str:
    per_word = "".join(
        f", count(*) FILTER (WHERE vector @@ to_tsquery('simple'::regconfig, :w{i})) AS c{i}"
        for i in range(len(words))
    )
    return f"""
        SELECT count(*) AS scanned, count(*) FILTER (WHERE m) AS matched{per_word},
               (array_agg(post_id ORDER BY created_at DESC) FILTER (WHERE m))[1:{RANK_WINDOW}] AS ids,
               (array_agg(ts_rank(vector, {_Q}) ORDER BY created_at DESC) FILTER (WHERE m))
                 [1:{RANK_WINDOW}] AS scores
        FROM (
            SELECT s.post_id, s.vector, s.created_at, s.vector @@ {_Q} AS m FROM post_search s
            WHERE {where} ORDER BY s.created_at DESC LIMIT {PROBE}
        ) newest
    """


async def _forced(session: AsyncSession, sql: str, params: dict, settings: tuple[str, ...]) -> list[Row]:
    names = ["jit", "max_parallel_workers_per_gather", *settings]
    values = ["off", "0", *["off"] * len(settings)]
    await session.execute(
        text(
            "SELECT set_config(n, v, true) FROM unnest(CAST(:names AS text[]), CAST(:values AS text[])) AS t(n, v)"
        ),
        {"names": names, "values": values},
    )
    try:
        return list((await session.execute(text(sql), params)).all())
    finally:
        await session.execute(text(_RESET), {"names": names})


async def _rows(session: AsyncSession) -> float:
    found = await session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'post_search'::regclass"))
    return max(float(found.scalar() or 0), 1.0)


async def ranked(
    words: list[str], private_ids: list[uuid.UUID], filters, *, session: AsyncSession
) -> list[tuple[uuid.UUID, float]]:  # type: ignore[no-untyped-def]
    """(post_id, score) of the window: the newest RANK_WINDOW matches in scope, every one ranked."""
    where = scope(private_ids, filters)
    params = where.params | {"q": tsquery(words)}
    per_word = {f"w{i}": tsquery([w]) for i, w in enumerate(words)}
    probe = (await _forced(session, _probe_sql(words, where.where), params | per_word, _WALK_SETTINGS))[0]
    if probe.matched >= RANK_WINDOW or probe.scanned < PROBE:  # a common query, or a small scope
        return list(zip(probe.ids or [], probe.scores or [], strict=True))
    counts = [getattr(probe, f"c{i}") for i in range(len(words))]
    chosen = gin_words(words, counts)
    walk, gin = plan_costs(probe.matched, counts, chosen, words, await _rows(session))
    if walk < gin:
        cap = int(WALK_SLACK * walk)
        sql = _RANKED.format(window=_WALK.format(where=where.where))
        found = await _forced(session, sql, params | {"cap": cap}, _WALK_SETTINGS)
        if len(found) >= RANK_WINDOW:
            return [(r.post_id, r.score) for r in found]
    sql = _RANKED.format(window=_GIN.format(where=where.where))
    found = await _forced(session, sql, params | {"gq": tsquery(chosen)}, _GIN_SETTINGS)
    return [(r.post_id, r.score) for r in found]

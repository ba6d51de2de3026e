"""PostgreSQL search over ``organization_search`` (migration 0007), the narrow table the use cases keep.

Matches never touch the wide organizations row: only the page's twenty are read from it. Filters are
facet lexemes in the same tsquery as the words, so the one GIN index yields exactly the matches.
Facets are counted in one pass over the matches with GROUPING SETS: the four single-valued facets
grouped together, and the sector and market lists grouped by their canonical strings
(``"cacao coffee"``). Hashing one short string per row is far cheaper than unnesting a list per row
(what JSON lists forced before) or hashing an array; only the few hundred groups are split and summed.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import (
    Text,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import String, Uuid

from services.directory.organizations.search_matches import (
    FACETS,
    NO_SCORE,
    Matches,
    SearchFilters,
    ordered,
    sector_codes,
)

rows = table(
    "organization_search",
    column("id", Uuid),
    column("name_key", String),
    column("kind", String),
    column("country", String),
    column("size_class", String),
    column("verification_status", String),
    column("sector_key", Text),
    column("market_key", Text),
    column("search_vector", TSVECTOR),
)
# Facet values are codes; anything else can match no organization, and must never reach the tsquery.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,60}")
_NOTHING = "'none:'"  # a lexeme no row has
# GROUPING(sector_key, market_key) of each grouping set in facets(): a bit per column the set leaves out.
SINGLE, SECTORS, MARKETS = 3, 1, 2


def facet_query(filters: SearchFilters) -> str | None:
    """The filters as a tsquery over the rows' facet lexemes (migration 0007): ORed within a facet,
    ANDed across facets, e.g. ``('size:micro' | 'size:small') & 'country:MX'``."""
    groups = []
    for facet, values in (
        ("kind", filters.kind),
        ("country", [code.upper() for code in filters.country]),
        ("size", filters.size),
        ("verified", filters.verified),
        ("sector", sector_codes(filters.sector)),
        ("market", filters.market),
    ):
        if values:
            lexemes = [f"'{facet}:{v}'" for v in dict.fromkeys(values) if _CODE.fullmatch(v)] or [_NOTHING]
            groups.append("(" + " | ".join(lexemes) + ")")
    return " & ".join(groups) or None


# Folded phrase -> its tsquery text. Stemming a phrase depends only on the text search configuration,
# so it is asked of the database once per phrase and then inlined as a constant: folding
# websearch_to_tsquery(consorcia_unaccent(...)) in every place the query names it cost ~2.5 ms of
# planning per statement, more than a page's execution for a rare word.
_WORDS: dict[str, str] = {}
_WORDS_KEPT = 4096


async def words_query(session: AsyncSession, terms: list[str]) -> str:
    """The tsquery (as text) for the words, Spanish and English stemming ORed; "" if all are stop words."""
    phrase = " ".join(terms)
    if (known := _WORDS.get(phrase)) is not None:
        return known
    stemmed = (
        await session.execute(
            text(
                "SELECT (websearch_to_tsquery('spanish'::regconfig, consorcia_unaccent(:p)) || "
                "websearch_to_tsquery('english'::regconfig, consorcia_unaccent(:p)))::text"
            ),
            {"p": phrase},
        )
    ).scalar_one()
    if len(_WORDS) >= _WORDS_KEPT:
        _WORDS.pop(next(iter(_WORDS)))  # the oldest phrase
    _WORDS[phrase] = stemmed
    return stemmed


def _constant(tsquery: str) -> ColumnElement:
    return literal_column("'" + tsquery.replace("'", "''") + "'::tsquery")


def matches(filters: SearchFilters, terms: list[str], words: str | None = None) -> Matches:
    """``words`` is ``words_query(terms)``: the stemmed words, looked up beforehand (none: no words)."""
    c = rows.c
    # Only codes reach the literal (_CODE), so it is inlined: the planner sees a constant tsquery and
    # estimates it from the lexeme statistics, and one GIN scan intersects words and filters.
    wanted = facet_query(filters)
    facet_tsq = _constant(wanted) if wanted else None
    if not terms:
        conds = [] if facet_tsq is None else [c.search_vector.op("@@")(facet_tsq)]
        return Matches(rows, c.id, c.name_key, NO_SCORE, conds, ranked=False)
    if not words:
        # Words that are all stop words make an empty tsquery, which matches nothing on its own (ANDed
        # with filters it would match every filtered row).
        return Matches(rows, c.id, c.name_key, NO_SCORE, [false()], ranked=True)
    stemmed = _constant(words)
    tsq = stemmed if facet_tsq is None else stemmed.op("&&")(facet_tsq)
    # Ranked by the words only: facet lexemes say nothing about relevance.
    return Matches(
        rows,
        c.id,
        c.name_key,
        func.ts_rank(c.search_vector, stemmed),
        [c.search_vector.op("@@")(tsq)],
        ranked=True,
    )


async def facets(session: AsyncSession, m: Matches) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per facet value over every match, in one statement reading each match once.

    The matches are grouped three ways at once (GROUPING SETS): by the four single-valued facets
    together, by sector string and by market string. Those groups (a few hundred) are then summed
    per value in SQL, so about one row per facet value comes back; sector strings come back as they
    are (the taxonomy keeps them few) and are split here, market strings (as varied as the
    organizations themselves) are split in SQL.
    """
    c = rows.c
    single = (c.kind, c.country, c.size_class, c.verification_status)
    groups = (
        select(
            *single,
            c.sector_key,
            c.market_key,
            func.grouping(c.sector_key, c.market_key).label("part"),
            func.count().label("n"),
        )
        .where(*m.conds)
        .group_by(func.grouping_sets(tuple_(*single), tuple_(c.sector_key), tuple_(c.market_key)))
        .cte("groups")
    )
    g = groups.c
    single_groups = g.part == SINGLE
    parts = [
        select(literal(facet), g[col.name], func.sum(g.n)).where(single_groups).group_by(g[col.name])
        for facet, col in zip(("kind", "country", "size", "verified"), single, strict=True)
    ]
    parts.append(select(literal("sectors"), g.sector_key, g.n).where(g.part == SECTORS))
    codes = func.unnest(func.string_to_array(g.market_key, " ")).table_valued("code").render_derived("codes")
    parts.append(
        select(literal("market"), codes.c.code, func.sum(g.n))
        .select_from(groups)
        .join(codes, true())
        .where(g.part == MARKETS)
        .group_by(codes.c.code)
    )
    counts: dict[str, dict[str, int]] = {f: defaultdict(int) for f in FACETS}
    for facet, value, n in (await session.execute(union_all(*parts))).all():
        if facet == "sectors":
            for code in value.split():
                counts["sector"][code] += n
        elif value is not None:
            counts[facet][value] = int(n)
    return ordered(counts), sum(counts["kind"].values())

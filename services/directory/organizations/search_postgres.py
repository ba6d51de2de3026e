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
    Boolean,
    Text,
    column,
    false,
    literal_column,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String, Uuid

from services.directory.organizations import search_page
from services.directory.organizations.search_matches import (
    FACETS,
    NO_SCORE,
    FacetCounts,
    Matches,
    SearchFilters,
    ordered,
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
        ("sector", filters.sector),  # a family's lexeme is on its children's rows too (search_index.py)
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


def _constant(tsquery: str) -> str:
    return "'" + tsquery.replace("'", "''") + "'::tsquery"


def matches(filters: SearchFilters, terms: list[str], words: str | None = None) -> Matches:
    """``words`` is ``words_query(terms)``: the stemmed words, looked up beforehand (none: no words)."""
    c = rows.c
    # Only codes reach the literal (_CODE), so it is inlined: the planner sees a constant tsquery and
    # estimates it from the lexeme statistics, and one GIN scan intersects words and filters.
    wanted = facet_query(filters)
    facet_tsq = _constant(wanted) if wanted else None
    if terms and not words:
        # Words that are all stop words make an empty tsquery, which matches nothing on its own (ANDed
        # with filters it would match every filtered row).
        return Matches(
            rows, c.id, c.name_key, NO_SCORE, [false()], ranked=True, tsquery_sql=_constant(_NOTHING)
        )
    if not terms:
        tsq = facet_tsq
        conds = [] if tsq is None else [literal_column(f"search_vector @@ {tsq}", Boolean)]
        return Matches(rows, c.id, c.name_key, NO_SCORE, conds, ranked=False, tsquery_sql=tsq)
    # Ordered by search_page.py (name matches first, then rank_key), not scored here.
    stemmed, named = _constant(words or ""), _constant(search_page.name_words(words or ""))
    tsq, name_tsq = (
        (stemmed, named)
        if facet_tsq is None
        else (f"({stemmed} && {facet_tsq})", f"({named} && {facet_tsq})")
    )
    conds = [literal_column(f"search_vector @@ {tsq}", Boolean)]
    return Matches(
        rows, c.id, c.name_key, NO_SCORE, conds, ranked=True, tsquery_sql=tsq, name_tsquery_sql=name_tsq
    )


# The matches are grouped three ways at once (GROUPING SETS): by the four single-valued facets together,
# by sector string and by market string. Those groups (a few hundred) are then summed per value, so
# about one row per facet value comes back; sector strings come back as they are (the taxonomy keeps
# them few) and are split in Python, market strings (as varied as the organizations) are split in SQL.
# Plain SQL, not an expression built per search: building and keying that one cost ~1.5 ms of CPU per
# search, as much as counting a thousand matches.
_GROUPS = f"""groups AS (
  SELECT kind, country, size_class, verification_status, sector_key, market_key,
         grouping(sector_key, market_key) AS part, count(*) AS n
  FROM {{counted}}
  GROUP BY GROUPING SETS ((kind, country, size_class, verification_status), (sector_key), (market_key)))
SELECT 'kind', kind, sum(n) FROM groups WHERE part = {SINGLE} GROUP BY kind
UNION ALL SELECT 'country', country, sum(n) FROM groups WHERE part = {SINGLE} GROUP BY country
UNION ALL SELECT 'size', size_class, sum(n) FROM groups WHERE part = {SINGLE} GROUP BY size_class
UNION ALL SELECT 'verified', verification_status, sum(n) FROM groups WHERE part = {SINGLE}
  GROUP BY verification_status
UNION ALL SELECT 'sectors', sector_key, n FROM groups WHERE part = {SECTORS}
UNION ALL SELECT 'market', code, sum(n) FROM groups, unnest(string_to_array(market_key, ' ')) AS code
  WHERE part = {MARKETS} GROUP BY code"""
_COLUMNS = "kind, country, size_class, verification_status, sector_key, market_key"
_EXACT = "WITH " + _GROUPS.replace("{counted}", "organization_search WHERE {match}")
# A broad search is counted over its matches in sample bucket 0 (a random eighth of the organizations,
# migration 0009) and the counts multiplied by 8: beyond a few thousand matches, counting every one
# costs more than the page itself. The sample's matches are read first and decide: when they are more
# than limit, the estimate stands; otherwise the matches outside the sample are read too (a one-time
# filter) and every match is counted. A narrower search pays one more index scan for this.
SAMPLE_FACTOR = 8
_SAMPLE = _constant("'bucket:0'")
_SAMPLED = (
    f"""WITH sample AS MATERIALIZED (SELECT {_COLUMNS} FROM organization_search WHERE {{in_sample}}),
broad AS (SELECT count(*) > {{limit}} AS yes FROM sample),
counted AS (
  SELECT * FROM sample
  UNION ALL SELECT {_COLUMNS} FROM organization_search WHERE {{outside_sample}} AND NOT (SELECT yes FROM broad)),
"""
    + _GROUPS.replace("{counted}", "counted")
    + "\nUNION ALL SELECT 'estimated', (SELECT yes FROM broad)::text, 0"
)


def _within(tsq: str | None, part: str) -> str:
    """The matches (every row when tsq is None) that also meet part."""
    return f"search_vector @@ {part}" if tsq is None else f"search_vector @@ ({tsq} && {part})"


async def facets(session: AsyncSession, m: Matches, *, exact_up_to: int | None = None) -> FacetCounts:
    """Counts per facet value over every match, in one statement reading each match once; with
    ``exact_up_to``, a search with more matches than about that gets estimates from the sample."""
    tsq = m.tsquery_sql
    match = "TRUE" if tsq is None else f"search_vector @@ {tsq}"
    if exact_up_to is None:
        sql = _EXACT.format(match=match)
    else:
        sql = _SAMPLED.format(
            in_sample=_within(tsq, _SAMPLE),
            outside_sample=_within(tsq, "!!" + _SAMPLE),
            limit=int(exact_up_to) // SAMPLE_FACTOR,
        )
    result = await (await session.connection()).exec_driver_sql(sql)
    counts: dict[str, dict[str, int]] = {f: defaultdict(int) for f in FACETS}
    estimated = False
    for facet, value, n in result.all():
        if facet == "estimated":
            estimated = value == "true"
        elif facet == "sectors":
            for code in value.split():
                counts["sector"][code] += int(n)
        elif value is not None:
            counts[facet][value] = int(n)
    if estimated:
        counts = {f: {v: n * SAMPLE_FACTOR for v, n in values.items()} for f, values in counts.items()}
    return FacetCounts(ordered(counts), sum(counts["kind"].values()), exact=not estimated)

"""Full-text search with facets: PostgreSQL tsvector (Spanish and English stemming over unaccented,
folded text) in production; SQLite FTS5 (``remove_diacritics``, prefix matching) in the embedded default.

The index is kept by the use cases: ``reindex`` after every change, ``unindex`` on deletion. Facet
filters are ORed within a facet and ANDed across facets; a sector family also matches its children.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Float,
    String,
    Text,
    and_,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, array
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Uuid

from services.directory.models import Organization, OrganizationTag
from services.directory.organizations.search_index import is_postgres
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.reference import sectors
from shared.text import fold

FACETS = ("kind", "country", "size", "sector", "market", "verified")


@dataclass
class SearchFilters:
    kind: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    size: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    market: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)  # pending | verified | rejected


@dataclass
class SearchPage:
    items: list[Organization]
    cursors: list[str]
    next_cursor: str | None
    facets: dict[str, dict[str, int]]
    total: int | None


def _sector_codes(codes: list[str]) -> list[str]:
    known = sectors()
    expanded = set(codes)
    expanded |= {s.code for s in known.values() if s.parent in expanded}
    return sorted(expanded)


def _conditions(filters: SearchFilters, session: AsyncSession) -> list[Any]:
    conds: list[Any] = [Organization.deleted_at.is_(None)]
    if filters.kind:
        conds.append(Organization.kind.in_(filters.kind))
    if filters.country:
        conds.append(Organization.country.in_([c.upper() for c in filters.country]))
    if filters.size:
        conds.append(Organization.size_class.in_(filters.size))
    if filters.verified:
        conds.append(Organization.verification_status.in_(filters.verified))
    lists = (
        ("sector", Organization.sectors, _sector_codes(filters.sector)),
        ("market", Organization.target_markets, filters.market),
    )
    for facet, listed, values in lists:
        if not values:
            continue
        if is_postgres(session):
            # GIN indexes over the lists (migration 0006) combine with the text and country indexes in
            # one bitmap; joining the tag table made the planner walk every row of a popular tag.
            conds.append(sql_cast(listed, JSONB).op("?|")(sql_cast(array(values), ARRAY(Text))))
        else:
            tagged = select(OrganizationTag.organization_id).where(
                OrganizationTag.facet == facet, OrganizationTag.value.in_(values)
            )
            conds.append(Organization.id.in_(tagged))
    return conds


def _terms(query: str) -> list[str]:
    return re.findall(r"\w+", fold(query))


def _scored(session: AsyncSession, terms: list[str]) -> tuple[Any, Any, list[Any]]:
    """(score expression, extra FROM, extra conditions): higher score is more relevant."""
    phrase = " ".join(terms)
    if is_postgres(session):
        # Terms are \w+ runs only (no quote can occur), so the phrase is inlined as a literal: with the
        # IMMUTABLE consorcia_unaccent() the planner folds the whole tsquery into a constant, instead of
        # stemming the query again for every matching row.
        literal_phrase = literal_column(f"consorcia_unaccent('{phrase}')")
        tsq = func.websearch_to_tsquery(literal_column("'spanish'::regconfig"), literal_phrase).op("||")(
            func.websearch_to_tsquery(literal_column("'english'::regconfig"), literal_phrase)
        )
        vector = literal_column("organizations.search_vector")
        return func.ts_rank(vector, tsq), None, [vector.op("@@")(tsq)]
    match = " ".join(f'"{t}"*' for t in terms)
    fts = (
        text(
            "SELECT organization_id, bm25(organization_fts) AS bm25 FROM organization_fts "
            "WHERE organization_fts MATCH :match"
        )
        .bindparams(match=match)
        .columns(column("organization_id", String), column("bm25", Float))
        .subquery("fts")
    )
    joined = Organization.id == type_coerce(fts.c.organization_id, Uuid)
    return -fts.c.bm25, fts, [joined]


async def search(
    *,
    session: AsyncSession,
    query: str = "",
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    limit: int = 20,
    with_facets: bool = True,
    facet_session: AsyncSession | None = None,
) -> SearchPage:
    filters = filters or SearchFilters()
    if is_postgres(session):
        # The planner's guess for unnested lists (100 elements a row) can push a facet query past
        # jit_above_cost; compiling would then take longer than the query itself.
        for each in (session, facet_session) if facet_session is not None else (session,):
            await each.execute(text("SET LOCAL jit = off"))
    limit = max(1, min(limit, MAX_PAGE))
    terms = _terms(query)
    conds = _conditions(filters, session)
    score, extra = literal(0.0), None
    if terms:
        score, extra, more = _scored(session, terms)
        conds += more
    matching = list(conds)  # facets count every match, not just what follows the cursor
    page = select(Organization.id.label("id"), score.label("score"), Organization.name_key.label("name_key"))
    if extra is not None:
        page = page.select_from(Organization).join(extra, literal(True))
    after = decode_cursor(cursor)
    if terms:
        page = page.order_by(score.desc(), Organization.id)
        if after is not None:
            s, last = float(after[0]), uuid.UUID(after[1])
            conds.append(or_(score < s, and_(score == s, Organization.id > last)))
    else:
        page = page.order_by(Organization.name_key, Organization.id)
        if after is not None:
            key, last = after[0], uuid.UUID(after[1])
            conds.append(
                or_(Organization.name_key > key, and_(Organization.name_key == key, Organization.id > last))
            )
    ranked = page.where(*conds).limit(limit + 1).subquery("ranked")
    # One round trip: the page's keys and the organizations themselves.
    page_query = (
        select(Organization, ranked.c.score)
        .join(ranked, Organization.id == ranked.c.id)
        .order_by(*((ranked.c.score.desc(), ranked.c.id) if terms else (ranked.c.name_key, ranked.c.id)))
    )
    facets: dict[str, dict[str, int]] = {}
    total: int | None = None
    if with_facets and facet_session is not None:
        # Both are reads: on two connections they run side by side instead of one after the other.
        result, (facets, total) = await asyncio.gather(
            session.execute(page_query), _facets(facet_session, matching, extra)
        )
    else:
        result = await session.execute(page_query)
        if with_facets:
            facets, total = await _facets(session, matching, extra)
    rows = result.all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    items = [org for org, _ in rows]
    cursors = [encode_cursor(sc if terms else org.name_key, str(org.id)) for org, sc in rows]
    return SearchPage(items, cursors, cursors[-1] if has_more and cursors else None, facets, total)


async def _facets(
    session: AsyncSession, conds: list[Any], extra: Any
) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per facet value over every match, in one statement over the matches read once.

    Sectors and markets are counted by unnesting the rows' own JSON lists rather than joining the tag
    table: the matched rows are in hand already, and a join would hash the whole tag table.
    """
    matched = select(
        Organization.kind,
        Organization.country,
        Organization.size_class,
        Organization.verification_status,
        Organization.sectors,
        Organization.target_markets,
    )
    if extra is not None:
        matched = matched.select_from(Organization).join(extra, literal(True))
    m = matched.where(*conds).cte("matched")
    unnest = func.json_array_elements_text if is_postgres(session) else func.json_each
    parts = [
        select(literal(name).label("facet"), col.label("value"), func.count().label("n")).group_by(col)
        for name, col in (
            ("kind", m.c.kind),
            ("country", m.c.country),
            ("size", m.c.size_class),
            ("verified", m.c.verification_status),
        )
    ]
    for name, col in (("sector", m.c.sectors), ("market", m.c.target_markets)):
        values = unnest(col).table_valued("value").alias(f"{name}_values")
        parts.append(
            select(literal(name), values.c.value, func.count())
            .select_from(m)
            .join(values, literal(True))
            .group_by(values.c.value)
        )
    facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for facet, value, n in (await session.execute(union_all(*parts))).all():
        if value is not None:
            facets[facet][str(value)] = n
    total = sum(facets["kind"].values())
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in facets.items()}, total

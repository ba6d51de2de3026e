"""Full-text search with facets: PostgreSQL tsvector (Spanish and English stemming over unaccented,
folded text) in production; SQLite FTS5 (``remove_diacritics``, prefix matching) in the embedded default.

The index is kept by the use cases: ``reindex`` after every change, ``unindex`` on deletion. Facet
filters are ORed within a facet and ANDed across facets; a sector family also matches its children.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Float,
    String,
    and_,
    column,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Uuid

from services.directory.models import Organization, OrganizationTag
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


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def tags_of(org: Organization) -> list[dict[str, Any]]:
    rows = [{"organization_id": org.id, "facet": "sector", "value": s} for s in dict.fromkeys(org.sectors)]
    rows += [
        {"organization_id": org.id, "facet": "market", "value": m} for m in dict.fromkeys(org.target_markets)
    ]
    return rows


async def reindex(session: AsyncSession, org: Organization) -> None:
    await session.execute(delete(OrganizationTag).where(OrganizationTag.organization_id == org.id))
    if tags := tags_of(org):
        await session.execute(insert(OrganizationTag), tags)
    if not is_postgres(session):
        await session.execute(
            text("DELETE FROM organization_fts WHERE organization_id = :id"), {"id": org.id.hex}
        )
        await session.execute(
            text("INSERT INTO organization_fts (organization_id, body) VALUES (:id, :body)"),
            {"id": org.id.hex, "body": org.search_text},
        )


async def index_many(session: AsyncSession, orgs: list[Organization] | list[dict[str, Any]]) -> None:
    """Bulk path for new rows (nothing to delete first)."""
    rows = [o if isinstance(o, dict) else _as_row(o) for o in orgs]
    tags = [t for r in rows for t in _tags_of_row(r)]
    if tags:
        await session.execute(insert(OrganizationTag), tags)
    if not is_postgres(session) and rows:
        await session.execute(
            text("INSERT INTO organization_fts (organization_id, body) VALUES (:id, :body)"),
            [{"id": r["id"].hex, "body": r["search_text"]} for r in rows],
        )


def _as_row(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "sectors": org.sectors,
        "target_markets": org.target_markets,
        "search_text": org.search_text,
    }


def _tags_of_row(row: dict[str, Any]) -> list[dict[str, Any]]:
    oid = row["id"]
    return [
        {"organization_id": oid, "facet": "sector", "value": s} for s in dict.fromkeys(row["sectors"])
    ] + [
        {"organization_id": oid, "facet": "market", "value": m} for m in dict.fromkeys(row["target_markets"])
    ]


async def unindex(session: AsyncSession, org: Organization) -> None:
    await session.execute(delete(OrganizationTag).where(OrganizationTag.organization_id == org.id))
    org.search_text = ""
    if not is_postgres(session):
        await session.execute(
            text("DELETE FROM organization_fts WHERE organization_id = :id"), {"id": org.id.hex}
        )


def _sector_codes(codes: list[str]) -> list[str]:
    known = sectors()
    expanded = set(codes)
    expanded |= {s.code for s in known.values() if s.parent in expanded}
    return sorted(expanded)


def _conditions(filters: SearchFilters) -> list[Any]:
    conds: list[Any] = [Organization.deleted_at.is_(None)]
    if filters.kind:
        conds.append(Organization.kind.in_(filters.kind))
    if filters.country:
        conds.append(Organization.country.in_([c.upper() for c in filters.country]))
    if filters.size:
        conds.append(Organization.size_class.in_(filters.size))
    if filters.verified:
        conds.append(Organization.verification_status.in_(filters.verified))
    for facet, values in (("sector", _sector_codes(filters.sector)), ("market", filters.market)):
        if values:
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
        vector = literal_column("organizations.search_vector")
        tsq = func.websearch_to_tsquery(literal_column("'spanish'::regconfig"), func.unaccent(phrase)).op(
            "||"
        )(func.websearch_to_tsquery(literal_column("'english'::regconfig"), func.unaccent(phrase)))
        return func.ts_rank(vector, tsq), None, [vector.op("@@")(tsq)]
    match = " ".join(f'"{t}"*' for t in terms)
    fts = (
        text(
            "SELECT organization_id, bm25(organization_fts) AS bm25 FROM organization_fts WHERE organization_fts MATCH :match"
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
) -> SearchPage:
    filters = filters or SearchFilters()
    limit = max(1, min(limit, MAX_PAGE))
    conds = _conditions(filters)
    terms = _terms(query)
    if terms:
        score, extra, more = _scored(session, terms)
        conds += more
    else:
        score, extra = literal(0.0), None
    base = select(Organization.id.label("id"), score.label("score"), Organization.name_key.label("name_key"))
    if extra is not None:
        base = base.select_from(Organization).join(extra, literal(True))
    ranked = base.where(*conds).subquery("ranked")
    page = select(ranked.c.id, ranked.c.score, ranked.c.name_key)
    after = decode_cursor(cursor)
    if terms:
        page = page.order_by(ranked.c.score.desc(), ranked.c.id)
        if after is not None:
            s, last = float(after[0]), uuid.UUID(after[1])
            page = page.where(or_(ranked.c.score < s, and_(ranked.c.score == s, ranked.c.id > last)))
    else:
        page = page.order_by(ranked.c.name_key, ranked.c.id)
        if after is not None:
            key, last = after[0], uuid.UUID(after[1])
            page = page.where(
                or_(ranked.c.name_key > key, and_(ranked.c.name_key == key, ranked.c.id > last))
            )
    rows = (await session.execute(page.limit(limit + 1))).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    orgs = (
        {
            o.id: o
            for o in (
                await session.execute(select(Organization).where(Organization.id.in_([r.id for r in rows])))
            ).scalars()
        }
        if rows
        else {}
    )
    items = [orgs[r.id] for r in rows if r.id in orgs]
    cursors = [encode_cursor(r.score if terms else r.name_key, str(r.id)) for r in rows]
    facets, total = ({}, None)
    if with_facets:
        facets, total = await _facets(session, conds, extra)
    return SearchPage(items, cursors, cursors[-1] if has_more and cursors else None, facets, total)


async def _facets(
    session: AsyncSession, conds: list[Any], extra: Any
) -> tuple[dict[str, dict[str, int]], int]:
    matched = select(
        Organization.id,
        Organization.kind,
        Organization.country,
        Organization.size_class,
        Organization.verification_status,
    )
    if extra is not None:
        matched = matched.select_from(Organization).join(extra, literal(True))
    m = matched.where(*conds).cte("matched")
    parts = [
        select(literal("kind").label("facet"), m.c.kind.label("value"), func.count().label("n")).group_by(
            m.c.kind
        ),
        select(literal("country"), m.c.country, func.count()).group_by(m.c.country),
        select(literal("size"), m.c.size_class, func.count()).group_by(m.c.size_class),
        select(literal("verified"), m.c.verification_status, func.count()).group_by(m.c.verification_status),
        select(OrganizationTag.facet, OrganizationTag.value, func.count())
        .join(m, m.c.id == OrganizationTag.organization_id)
        .group_by(OrganizationTag.facet, OrganizationTag.value),
    ]
    facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for facet, value, n in (await session.execute(union_all(*parts))).all():
        if value is not None:
            facets[facet][value] = n
    total = sum(facets["kind"].values())
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in facets.items()}, total

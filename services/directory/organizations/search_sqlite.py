"""SQLite search (the embedded default): FTS5 ``organization_fts`` for words, ``organization_tags`` for
the sector and market filters, the organizations rows themselves for facets. Kept by search_index.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, case, column, func, literal, select, text, type_coerce, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Uuid

from services.directory.models import Organization, OrganizationTag
from services.directory.organizations.search_matches import (
    FACETS,
    NAMED,
    NO_SCORE,
    FacetCounts,
    Matches,
    SearchFilters,
    ordered,
    sector_codes,
)


def matches(filters: SearchFilters, terms: list[str]) -> Matches:
    conds: list[Any] = [Organization.deleted_at.is_(None)]
    if filters.kind:
        conds.append(Organization.kind.in_(filters.kind))
    if filters.country:
        conds.append(Organization.country.in_([c.upper() for c in filters.country]))
    if filters.size:
        conds.append(Organization.size_class.in_(filters.size))
    if filters.verified:
        conds.append(Organization.verification_status.in_(filters.verified))
    for facet, values in (("sector", sector_codes(filters.sector)), ("market", filters.market)):
        if values:
            tagged = select(OrganizationTag.organization_id).where(
                OrganizationTag.facet == facet, OrganizationTag.value.in_(values)
            )
            conds.append(Organization.id.in_(tagged))
    if not terms:
        return Matches(Organization, Organization.id, Organization.name_key, NO_SCORE, conds, ranked=False)
    words = " ".join(f'"{t}"*' for t in terms)
    fts = (
        text(
            "SELECT organization_id, organization_id IN ("
            "SELECT organization_id FROM organization_fts WHERE organization_fts MATCH :named) AS named "
            "FROM organization_fts WHERE organization_fts MATCH :words"
        )
        .bindparams(words=words, named=f"name : ({words})")
        .columns(column("organization_id", String), column("named", Integer))
        .subquery("fts")
    )
    source = Organization.__table__.join(fts, Organization.id == type_coerce(fts.c.organization_id, Uuid))
    # The order PostgreSQL's search_page.py gives: name matches first, then the rank key, then id.
    score = fts.c.named * NAMED - rank_key()
    return Matches(source, Organization.id, Organization.name_key, score, conds, ranked=True)


def rank_key() -> Any:
    """search_index.py's rank_key: verified, pending, rejected; the more complete profile first."""
    badge = case(
        (Organization.verification_status == "verified", 0),
        (Organization.verification_status == "pending", 1),
        else_=2,
    )
    return badge * 101 + 100 - Organization.completeness


async def facets(session: AsyncSession, m: Matches, *, exact_up_to: int | None = None) -> FacetCounts:
    """Counts per facet value over every match, in one statement over the matches read once; sectors
    and markets by unnesting the matched rows' own JSON lists (a join would hash the whole tag table).
    Always exact: the embedded default holds far fewer organizations than would need estimates."""
    matched = (
        select(
            Organization.kind,
            Organization.country,
            Organization.size_class,
            Organization.verification_status,
            Organization.sectors,
            Organization.target_markets,
        )
        .select_from(m.source)
        .where(*m.conds)
        .cte("matched")
    )
    parts = [
        select(literal(name).label("facet"), col.label("value"), func.count().label("n")).group_by(col)
        for name, col in (
            ("kind", matched.c.kind),
            ("country", matched.c.country),
            ("size", matched.c.size_class),
            ("verified", matched.c.verification_status),
        )
    ]
    for name, col in (("sector", matched.c.sectors), ("market", matched.c.target_markets)):
        values = func.json_each(col).table_valued("value").alias(f"{name}_values")
        parts.append(
            select(literal(name), values.c.value, func.count())
            .select_from(matched)
            .join(values, literal(True))
            .group_by(values.c.value)
        )
    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for facet, value, n in (await session.execute(union_all(*parts))).all():
        if value is not None:
            counts[facet][str(value)] = n
    return FacetCounts(ordered(counts), sum(counts["kind"].values()))

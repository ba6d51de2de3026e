"""The search index, kept by the use cases: ``reindex`` after every change, ``unindex`` on deletion.

PostgreSQL: one narrow row per live organization in ``organization_search`` (migration 0007): the
filter and facet values, sectors and markets as one canonical string each, the tsvector and the rank
key. It is written from the organizations row itself, in SQL, so it can never disagree with it.
SQLite: the words go to the FTS5 table ``organization_fts`` (name and acronym also in a column of their
own) and the lists to ``organization_tags``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Organization, OrganizationTag
from shared.reference import sectors

# The search row of each live organization (migration 0007 holds a frozen copy for its backfill).
# Lists are sorted and deduplicated, so equal lists give equal keys and facets group them together.
# 'bucket:N' (N = the id's first three bits, migration 0009) puts a random eighth of the rows in each of
# eight buckets: search samples bucket 0 to estimate the facets of a broad search (search_postgres.py).
# A row carries the lexeme of each of its sectors and of each one's family: a family filter is then one
# lexeme, not an OR over the family's children (nine posting lists for agroindustry, ≈ 4 ms per search).
# The words of the name and acronym are there once more as 'n:<lexeme>' (migration 0010): a search
# puts organizations whose name holds its words first, and finds them with the same GIN index.
# rank_key orders organizations among equals (lower first): verified, then pending, then rejected, and
# within each the more complete profile first (search_page.py).


def _families() -> str:
    pairs = sorted((s.code, s.parent) for s in sectors().values() if s.parent)
    assert all(_CODE.fullmatch(c) and _CODE.fullmatch(p) for c, p in pairs)  # inlined as SQL literals
    return "(VALUES " + ", ".join(f"('{c}', '{p}')" for c, p in pairs) + ") AS family(code, parent)"


_CODE = re.compile(r"[a-z0-9-]+")
_ROWS = f"""
    SELECT o.id, o.name_key, o.kind, o.country, o.size_class, o.verification_status,
           array_to_string(s.codes, ' '), array_to_string(m.codes, ' '),
           to_tsvector('spanish'::regconfig, o.search_text) || to_tsvector('english'::regconfig, o.search_text)
           || array_to_tsvector(ARRAY(
               SELECT 'n:' || lexeme
               FROM unnest(to_tsvector('spanish'::regconfig, n.words) || to_tsvector('english'::regconfig, n.words))))
           || array_to_tsvector(
               array_remove(ARRAY['kind:' || o.kind, 'country:' || o.country, 'size:' || o.size_class,
                                  'verified:' || o.verification_status,
                                  'bucket:' || (get_byte(uuid_send(o.id), 0) >> 5)], NULL)
               || ARRAY(SELECT 'sector:' || code FROM unnest(s.codes) AS v,
                        LATERAL (SELECT v UNION SELECT parent FROM {_families()} WHERE family.code = v) AS up(code))
               || ARRAY(SELECT 'market:' || v FROM unnest(m.codes) AS v)),
           ((CASE o.verification_status WHEN 'verified' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END) * 101
            + 100 - least(greatest(o.completeness, 0), 100))::smallint
    FROM organizations o
    -- The name as search_text holds it (folded), and the acronym folded the same way.
    CROSS JOIN LATERAL (SELECT o.name_key || ' ' || lower(consorcia_unaccent(coalesce(o.acronym, '')))
                        AS words) n
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.sectors) AS v) s
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.target_markets) AS v) m
    WHERE o.deleted_at IS NULL
"""
_COLUMNS = (
    "id, name_key, kind, country, size_class, verification_status, sector_key, market_key, search_vector,"
    " rank_key"
)
_UPSERT = (
    f"INSERT INTO organization_search ({_COLUMNS}) {_ROWS} AND o.id = ANY(:ids) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS.split(", ") if c != "id")
)
# Every live organization at once: for a database filled without the use cases (the benchmark's COPY).
REBUILD = f"TRUNCATE organization_search; INSERT INTO organization_search ({_COLUMNS}) {_ROWS}"


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def tags_of_row(row: dict[str, Any]) -> list[dict[str, Any]]:
    oid = row["id"]
    return [
        {"organization_id": oid, "facet": "sector", "value": s} for s in dict.fromkeys(row["sectors"])
    ] + [
        {"organization_id": oid, "facet": "market", "value": m} for m in dict.fromkeys(row["target_markets"])
    ]


def _as_row(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "sectors": org.sectors,
        "target_markets": org.target_markets,
        "search_text": org.search_text,
        "name": org.name,
        "acronym": org.acronym,
    }


async def reindex(session: AsyncSession, org: Organization) -> None:
    """After any change to a stored (flushed) organization: its profile, its badge."""
    if is_postgres(session):
        await _upsert(session, [org.id])
        return
    await unindex(session, org, keep_text=True)
    await index_many(session, [_as_row(org)])


async def index_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """New rows, already inserted (nothing to delete first): the bulk import's path."""
    if not rows:
        return
    if is_postgres(session):
        await _upsert(session, [r["id"] for r in rows])
        return
    if tags := [t for r in rows for t in tags_of_row(r)]:
        await session.execute(insert(OrganizationTag), tags)
    await session.execute(
        text("INSERT INTO organization_fts (organization_id, name, body) VALUES (:id, :name, :body)"),
        [
            {"id": r["id"].hex, "name": f"{r['name']} {r.get('acronym') or ''}", "body": r["search_text"]}
            for r in rows
        ],
    )


async def unindex(session: AsyncSession, org: Organization, *, keep_text: bool = False) -> None:
    if not keep_text:
        org.search_text = ""
    if is_postgres(session):
        await session.execute(text("DELETE FROM organization_search WHERE id = :id"), {"id": org.id})
        return
    await session.execute(delete(OrganizationTag).where(OrganizationTag.organization_id == org.id))
    await session.execute(
        text("DELETE FROM organization_fts WHERE organization_id = :id"), {"id": org.id.hex}
    )


async def _upsert(session: AsyncSession, ids: list[uuid.UUID]) -> None:
    await session.execute(text(_UPSERT), {"ids": ids})

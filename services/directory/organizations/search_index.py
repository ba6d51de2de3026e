"""The search index, kept by the use cases: facet tags on both engines, the FTS5 table on SQLite.

PostgreSQL needs no work here: ``organizations.search_vector`` is a generated column over
``search_text`` (migration 0003), indexed with GIN.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Organization, OrganizationTag


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

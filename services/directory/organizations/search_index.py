"""The search index, kept by the use cases. SQLite only: PostgreSQL needs no work here.

On PostgreSQL ``organizations.search_vector`` is a generated column over ``search_text`` (migration
0003) and the sector and market lists have GIN indexes (0006). On SQLite the words go to the FTS5
table ``organization_fts`` and the lists to ``organization_tags``, which the filters join.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Organization, OrganizationTag


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
    }


async def reindex(session: AsyncSession, org: Organization) -> None:
    if is_postgres(session):
        return
    await unindex(session, org, keep_text=True)
    await index_many(session, [_as_row(org)])


async def index_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """New rows (nothing to delete first): the bulk import's path."""
    if is_postgres(session) or not rows:
        return
    if tags := [t for r in rows for t in tags_of_row(r)]:
        await session.execute(insert(OrganizationTag), tags)
    await session.execute(
        text("INSERT INTO organization_fts (organization_id, body) VALUES (:id, :body)"),
        [{"id": r["id"].hex, "body": r["search_text"]} for r in rows],
    )


async def unindex(session: AsyncSession, org: Organization, *, keep_text: bool = False) -> None:
    if not keep_text:
        org.search_text = ""
    if is_postgres(session):
        return
    await session.execute(delete(OrganizationTag).where(OrganizationTag.organization_id == org.id))
    await session.execute(
        text("DELETE FROM organization_fts WHERE organization_id = :id"), {"id": org.id.hex}
    )

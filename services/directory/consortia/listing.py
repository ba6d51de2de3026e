"""Reading memberships page by page: a consortium's members, an organization's consortia."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.consortia import service
from services.directory.consortia.models import ConsortiumMembership
from services.directory.models import Organization
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor

Page = tuple[list[ConsortiumMembership], list[str], str | None]


async def members_of(
    consortium_id: uuid.UUID,
    *,
    session: AsyncSession,
    viewer: Principal | None,
    status: str = "active",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """Active and past members are public; pending invitations only for the consortium's managers."""
    await service.get_consortium(consortium_id, session=session)
    if status == "invited" and not await service.may_see_invitations(session, consortium_id, viewer):
        raise DomainError("forbidden", "only the consortium's managers see its pending invitations")
    where = [ConsortiumMembership.consortium_id == consortium_id, ConsortiumMembership.status == status]
    return await _page(session, where, cursor, limit)


async def consortia_of(
    organization_id: uuid.UUID,
    *,
    session: AsyncSession,
    viewer: Principal | None,
    status: str = "active",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """An organization's consortia; its invitations only for its own managers."""
    org = await session.get(Organization, organization_id)
    if org is None or org.deleted_at is not None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    if status == "invited" and not await service.may_see_invitations(session, organization_id, viewer):
        raise DomainError("forbidden", "only the organization's managers see its pending invitations")
    where = [ConsortiumMembership.organization_id == organization_id, ConsortiumMembership.status == status]
    return await _page(session, where, cursor, limit)


async def memberships_batch(
    organization_ids: list[uuid.UUID], *, session: AsyncSession
) -> list[ConsortiumMembership]:
    """Active memberships of many organizations at once (the gateway's DataLoaders)."""
    if not organization_ids:
        return []
    query = select(ConsortiumMembership).where(
        ConsortiumMembership.organization_id.in_(organization_ids), ConsortiumMembership.status == "active"
    )
    return list((await session.execute(query.order_by(ConsortiumMembership.id))).scalars())


async def _page(session: AsyncSession, where: list, cursor: str | None, limit: int) -> Page:  # type: ignore[type-arg]
    limit = max(1, min(limit, MAX_PAGE))
    query = select(ConsortiumMembership).where(*where).order_by(ConsortiumMembership.id)
    if (after := decode_cursor(cursor)) is not None:
        try:
            query = query.where(ConsortiumMembership.id > uuid.UUID(str(after[0])))
        except (ValueError, IndexError):
            raise DomainError("validation_error", "the cursor is not one this API issued") from None
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)

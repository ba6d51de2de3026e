"""People in organizations as others see them, and managers adding or removing them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts.models import OrganizationMember, User
from services.directory.accounts.schemas import OrganizationMemberOut
from services.directory.memberships import (
    add_organization_member,
    is_organization_manager,
    remove_organization_member,
)
from services.directory.models import Organization
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


async def require_manager(
    session: AsyncSession, *, organization_id: uuid.UUID, by: Principal
) -> Organization:
    """The organization, if the caller manages it (administrators manage everything)."""
    org = await session.get(Organization, organization_id)
    if org is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    if Role.admin in by.roles:
        return org
    if not await is_organization_manager(session, user_id=by.user_id, organization_id=organization_id):
        raise DomainError("forbidden", "only this organization's managers may do this")
    return org


async def add_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, role: str, *, session: AsyncSession, by: Principal
) -> OrganizationMember:
    await require_manager(session, organization_id=organization_id, by=by)
    if await session.get(User, user_id) is None:
        raise NotFound("user", user_id, code="user_not_found")
    return await add_organization_member(session, user_id=user_id, organization_id=organization_id, role=role)


async def remove_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, *, session: AsyncSession, by: Principal
) -> None:
    """Managers remove anyone; anyone may leave. The last manager stays, so no organization is orphaned."""
    if by.user_id != user_id:
        await require_manager(session, organization_id=organization_id, by=by)
    managers = await _managers(session, organization_id)
    if managers == [user_id]:
        raise DomainError("conflict", "the last manager cannot leave; make someone else manager first")
    if not await remove_organization_member(session, user_id=user_id, organization_id=organization_id):
        raise NotFound("membership", f"{user_id} in {organization_id}", code="membership_not_found")


async def list_members(
    organization_id: uuid.UUID,
    *,
    session: AsyncSession,
    viewer: Principal | None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[OrganizationMemberOut], list[str], str | None]:
    if await session.get(Organization, organization_id) is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(OrganizationMember, User)
        .join(User, User.id == OrganizationMember.user_id)
        .where(OrganizationMember.organization_id == organization_id)
        .order_by(OrganizationMember.id)
    )
    if (after := decode_cursor(cursor)) is not None:
        query = query.where(OrganizationMember.id > uuid.UUID(str(after[0])))
    rows = list((await session.execute(query.limit(limit + 1))).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    contacts = viewer is not None  # personal contacts are for signed-in members only
    items = [
        OrganizationMemberOut(
            organization_id=m.organization_id,
            user_id=u.id,
            role=m.role,
            display_name=u.display_name,
            email=u.email if contacts else None,
            phone=u.phone if contacts else None,
        )
        for m, u in rows
    ]
    cursors = [encode_cursor(str(m.id)) for m, _ in rows]
    return items, cursors, (cursors[-1] if has_more else None)


async def _managers(session: AsyncSession, organization_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(OrganizationMember.user_id).where(
        OrganizationMember.organization_id == organization_id,
        OrganizationMember.role.in_(["owner", "manager"]),
    )
    return list((await session.execute(query)).scalars())

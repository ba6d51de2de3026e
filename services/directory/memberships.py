"""People's places in organizations: the one answer to "may this person act for this organization?".

Organization use cases (registration, profile edits) call these; the registering user becomes the
organization's manager. Owners count as managers.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts.models import OrganizationMember


class MemberRole(StrEnum):
    owner = "owner"
    manager = "manager"
    staff = "staff"


MANAGING_ROLES = frozenset({MemberRole.owner.value, MemberRole.manager.value})


async def is_organization_manager(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> bool:
    role = await member_role(session, user_id=user_id, organization_id=organization_id)
    return role in MANAGING_ROLES


async def member_role(session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID) -> str | None:
    query = select(OrganizationMember.role).where(
        OrganizationMember.user_id == user_id, OrganizationMember.organization_id == organization_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def add_organization_manager(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> OrganizationMember:
    return await add_organization_member(
        session, user_id=user_id, organization_id=organization_id, role=MemberRole.manager
    )


async def add_organization_member(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID, role: MemberRole | str
) -> OrganizationMember:
    """Idempotent: an existing membership keeps its row and takes the new role."""
    query = select(OrganizationMember).where(
        OrganizationMember.user_id == user_id, OrganizationMember.organization_id == organization_id
    )
    member = (await session.execute(query)).scalar_one_or_none()
    if member is None:
        member = OrganizationMember(user_id=user_id, organization_id=organization_id, role=str(MemberRole(role)))
        session.add(member)
    else:
        member.role = str(MemberRole(role))
    await session.flush()
    return member


async def managed_organization_ids(session: AsyncSession, *, user_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(OrganizationMember.organization_id).where(
        OrganizationMember.user_id == user_id, OrganizationMember.role.in_(MANAGING_ROLES)
    )
    return list((await session.execute(query)).scalars())

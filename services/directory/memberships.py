"""People's places in organizations: the one answer to "may this person act for this organization?".

Organization use cases (registration, profile edits) call these; the registering user becomes the
organization's manager. Owners count as managers. Every change is announced: forum grants private
spaces by organization (OrganizationManagerAdded/Removed) and notifications tells an organization's
people about its matches (UserContactChanged carries the organizations a person acts for).
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts.models import OrganizationMember, User
from services.directory.models import outbox
from shared.events.directory import OrganizationManagerAdded, OrganizationManagerRemoved, UserContactChanged
from shared.outbox import record


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
    """Idempotent: an existing membership keeps its row; only a change of role is announced again."""
    role = MemberRole(role).value
    query = select(OrganizationMember).where(
        OrganizationMember.user_id == user_id, OrganizationMember.organization_id == organization_id
    )
    member = (await session.execute(query)).scalar_one_or_none()
    if member is not None and member.role == role:
        return member
    if member is None:
        member = OrganizationMember(user_id=user_id, organization_id=organization_id, role=role)
        session.add(member)
    else:
        member.role = role
    await session.flush()
    added = OrganizationManagerAdded(organization_id=organization_id, user_id=user_id, role=role)
    await record(session, outbox, added, subject=str(organization_id))
    await announce_contact(session, user_id=user_id)
    return member


async def remove_organization_member(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> bool:
    query = select(OrganizationMember).where(
        OrganizationMember.user_id == user_id, OrganizationMember.organization_id == organization_id
    )
    member = (await session.execute(query)).scalar_one_or_none()
    if member is None:
        return False
    await session.delete(member)
    await session.flush()
    removed = OrganizationManagerRemoved(organization_id=organization_id, user_id=user_id)
    await record(session, outbox, removed, subject=str(organization_id))
    await announce_contact(session, user_id=user_id)
    return True


async def organization_ids_of(session: AsyncSession, *, user_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(OrganizationMember.organization_id).where(OrganizationMember.user_id == user_id)
    return list((await session.execute(query.order_by(OrganizationMember.created_at))).scalars())


async def managed_organization_ids(session: AsyncSession, *, user_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(OrganizationMember.organization_id).where(
        OrganizationMember.user_id == user_id, OrganizationMember.role.in_(MANAGING_ROLES)
    )
    return list((await session.execute(query)).scalars())


async def announce_contact(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    """Tell notifications where to reach this person and which organizations they act for."""
    user = await session.get(User, user_id)
    if user is None:
        return
    changed = UserContactChanged(
        user_id=user.id,
        email=user.email,
        language=user.language,
        organization_ids=await organization_ids_of(session, user_id=user_id),
    )
    await record(session, outbox, changed, subject=str(user.id))

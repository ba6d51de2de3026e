"""Who may read and write where: public categories for everyone, private spaces for their members."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.forum.models import OrganizationUser, Space, SpaceMember, SpaceOrganization, Thread
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound

MODERATORS = (Role.moderator,)


def is_moderator(principal: Principal | None) -> bool:
    return principal is not None and principal.has_any(*MODERATORS)


def readable_spaces(principal: Principal | None) -> ColumnElement[bool]:
    """A filter on Space: public, or private with the caller let in by name or by organization."""
    if principal is None:
        return Space.is_private.is_(False)
    by_name = exists().where(SpaceMember.space_id == Space.id, SpaceMember.user_id == principal.user_id)
    by_organization = exists().where(
        SpaceOrganization.space_id == Space.id,
        OrganizationUser.organization_id == SpaceOrganization.organization_id,
        OrganizationUser.user_id == principal.user_id,
    )
    return or_(Space.is_private.is_(False), by_name, by_organization)


async def can_read(space: Space, principal: Principal | None, *, session: AsyncSession) -> bool:
    if not space.is_private:
        return True
    if principal is None:
        return False
    query = select(Space.id).where(Space.id == space.id, readable_spaces(principal))
    return (await session.execute(query)).first() is not None


async def require_read(space: Space, principal: Principal | None, *, session: AsyncSession) -> None:
    if not await can_read(space, principal, session=session):
        if principal is None:
            raise DomainError("unauthenticated", "sign in first: this space is private")
        raise DomainError(
            "forbidden", "this space is for its members only", details={"space_id": str(space.id)}
        )


async def get_space(space_id: uuid.UUID, *, session: AsyncSession) -> Space:
    space = await session.get(Space, space_id)
    if space is None:
        raise NotFound("space", space_id, code="space_not_found")
    return space


async def readable_thread(
    thread_id: uuid.UUID, principal: Principal | None, *, session: AsyncSession, for_update: bool = False
) -> tuple[Thread, Space]:
    """The thread and its space, or thread_not_found / forbidden. Deleted threads read as unknown."""
    query = select(Thread).where(Thread.id == thread_id)
    if for_update:
        query = query.with_for_update()
    thread = (await session.execute(query)).scalar_one_or_none()
    if thread is None or thread.deleted_at is not None:
        raise NotFound("thread", thread_id, code="thread_not_found")
    space = await get_space(thread.space_id, session=session)
    await require_read(space, principal, session=session)
    return thread, space


async def member_ids(space: Space, *, session: AsyncSession) -> set[uuid.UUID]:
    """Everyone who may read a private space (for fan-out lists)."""
    named = select(SpaceMember.user_id).where(SpaceMember.space_id == space.id)
    by_org = (
        select(OrganizationUser.user_id)
        .join(SpaceOrganization, SpaceOrganization.organization_id == OrganizationUser.organization_id)
        .where(SpaceOrganization.space_id == space.id)
    )
    return set((await session.execute(named)).scalars()) | set((await session.execute(by_org)).scalars())

"""Projections of people and organizations from directory's events, and of callers not yet projected."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import Organization, OrganizationUser, User, now
from services.forum.models.base import aware
from shared.auth import Principal
from shared.text import fold


async def _free_handle(display_name: str, user_id: uuid.UUID, *, session: AsyncSession) -> str:
    base = re.sub(r"[^a-z0-9]", "", fold(display_name))[:60] or "user"
    candidate, n = base, 1
    while True:
        owner = (await session.execute(select(User.id).where(User.handle == candidate))).scalar_one_or_none()
        if owner is None or owner == user_id:
            return candidate
        n += 1
        candidate = f"{base}{n}"


async def upsert_user(
    user_id: uuid.UUID,
    *,
    display_name: str,
    language: str = "es",
    roles: list[str] | None = None,
    registered_at: datetime | None = None,
    session: AsyncSession,
) -> User:
    user = await session.get(User, user_id)
    if user is None:
        user = User(
            id=user_id,
            display_name=display_name,
            handle=await _free_handle(display_name, user_id, session=session),
            language=language,
            roles=list(roles or []),
            registered_at=registered_at or now(),
        )
        session.add(user)
    else:
        if user.display_name != display_name:
            user.display_name = display_name
            user.handle = await _free_handle(display_name, user_id, session=session)
        user.language = language
        if roles is not None:
            user.roles = list(roles)
        if registered_at is not None and aware(registered_at) < aware(user.registered_at):
            user.registered_at = registered_at
    await session.flush()
    return user


async def ensure_caller(principal: Principal, *, session: AsyncSession) -> User:
    """The caller's row: a token can arrive before directory's UserRegistered does."""
    user = await session.get(User, principal.user_id)
    if user is not None:
        return user
    return await upsert_user(
        principal.user_id,
        display_name=principal.display_name or "user",
        language=principal.language,
        roles=sorted(principal.roles),
        session=session,
    )


async def upsert_organization(
    organization_id: uuid.UUID, *, name: str, kind: str, country: str | None, session: AsyncSession
) -> None:
    org = await session.get(Organization, organization_id)
    if org is None:
        session.add(Organization(id=organization_id, name=name, kind=kind, country=country))
    else:
        org.name, org.kind, org.country = name, kind, country
    await session.flush()


async def remove_organization(organization_id: uuid.UUID, *, session: AsyncSession) -> None:
    await session.execute(delete(OrganizationUser).where(OrganizationUser.organization_id == organization_id))
    await session.execute(delete(Organization).where(Organization.id == organization_id))


async def add_organization_user(
    organization_id: uuid.UUID, user_id: uuid.UUID, *, role: str, session: AsyncSession
) -> None:
    row = await session.get(OrganizationUser, (organization_id, user_id))
    if row is None:
        session.add(OrganizationUser(organization_id=organization_id, user_id=user_id, role=role))
    else:
        row.role = role
    await session.flush()


async def remove_organization_user(
    organization_id: uuid.UUID, user_id: uuid.UUID, *, session: AsyncSession
) -> None:
    await session.execute(
        delete(OrganizationUser).where(
            OrganizationUser.organization_id == organization_id, OrganizationUser.user_id == user_id
        )
    )


async def users_by_ids(ids: set[uuid.UUID], *, session: AsyncSession) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in (await session.execute(select(User).where(User.id.in_(ids)))).scalars()}


async def users_by_handles(handles: set[str], *, session: AsyncSession) -> dict[str, User]:
    if not handles:
        return {}
    return {
        u.handle: u for u in (await session.execute(select(User).where(User.handle.in_(handles)))).scalars()
    }

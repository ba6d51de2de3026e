"""The read model fed by directory's events: organizations (consortia included), memberships, managers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.matcher import DECIDING_ROLES, Matcher
from services.matching.models import (
    ConsortiumMembership,
    Match,
    OrganizationManager,
    OrganizationProjection,
    OrganizationTombstone,
)
from services.matching.service.matches import refresh_matches
from shared.errors import NotFound
from shared.events.directory import OrganizationProfile


async def project_organization(
    profile: OrganizationProfile,
    *,
    event_id: str,
    session: AsyncSession,
    matcher: Matcher | None = None,
    match: bool = True,
) -> None:
    """Insert or replace the projection (events carry the whole profile: the last one wins), then match."""
    row = await session.get(OrganizationProjection, profile.organization_id)
    if row is None:
        row = OrganizationProjection(organization_id=profile.organization_id)
        session.add(row)
    row.name = profile.name
    row.kind = profile.kind
    row.country = profile.country
    row.profile = profile.model_dump(mode="json")
    row.source_event_id = event_id
    row.applied_at = datetime.now(UTC)
    # Who registered it manages it, when directory says so on the event itself.
    registered_by = getattr(profile, "registered_by", None)
    if registered_by:
        await add_manager(
            profile.organization_id, uuid.UUID(str(registered_by)), session=session, matcher=matcher
        )
    tomb = await session.get(OrganizationTombstone, profile.organization_id)
    if tomb is not None:  # registered again after leaving
        await session.delete(tomb)
    if matcher is not None:
        await session.flush()
        matcher.put(row)
        if match:
            await session.flush()
            await refresh_matches(profile.organization_id, session=session, matcher=matcher)
            for consortium in matcher.index.member_of.get(profile.organization_id, set()):
                await refresh_matches(consortium, session=session, matcher=matcher)


async def remove_organization(
    organization_id: uuid.UUID, *, session: AsyncSession, matcher: Matcher | None = None
) -> None:
    """The organization left the network: drop it from the read model; its open matches are withdrawn."""
    await session.execute(
        delete(OrganizationProjection).where(OrganizationProjection.organization_id == organization_id)
    )
    await session.execute(
        delete(ConsortiumMembership).where(
            (ConsortiumMembership.organization_id == organization_id)
            | (ConsortiumMembership.consortium_id == organization_id)
        )
    )
    await session.execute(
        delete(OrganizationManager).where(OrganizationManager.organization_id == organization_id)
    )
    await session.execute(
        update(Match)
        .where(
            ((Match.organization_a == organization_id) | (Match.organization_b == organization_id))
            & (Match.status == "open")
        )
        .values(status="withdrawn", updated_at=datetime.now(UTC))
    )
    if await session.get(OrganizationTombstone, organization_id) is None:
        session.add(OrganizationTombstone(organization_id=organization_id, deleted_at=datetime.now(UTC)))
    if matcher is not None:
        matcher.forget(organization_id)


async def join_consortium(
    consortium_id: uuid.UUID,
    organization_id: uuid.UUID,
    role: str,
    *,
    session: AsyncSession,
    matcher: Matcher | None = None,
    match: bool = True,
) -> None:
    if await session.get(ConsortiumMembership, (consortium_id, organization_id)) is None:
        session.add(
            ConsortiumMembership(consortium_id=consortium_id, organization_id=organization_id, role=role)
        )
    if matcher is not None:
        matcher.index.join(consortium_id, organization_id)
        if match and matcher.index.get(consortium_id) is not None:
            await session.flush()
            await refresh_matches(consortium_id, session=session, matcher=matcher)


async def leave_consortium(
    consortium_id: uuid.UUID,
    organization_id: uuid.UUID,
    *,
    session: AsyncSession,
    matcher: Matcher | None = None,
) -> None:
    await session.execute(
        delete(ConsortiumMembership).where(
            (ConsortiumMembership.consortium_id == consortium_id)
            & (ConsortiumMembership.organization_id == organization_id)
        )
    )
    if matcher is not None:
        matcher.index.leave(consortium_id, organization_id)


async def add_manager(
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    role: str = "manager",
    *,
    session: AsyncSession,
    matcher: Matcher | None = None,
) -> None:
    row = await session.get(OrganizationManager, (organization_id, user_id))
    if row is None:
        session.add(OrganizationManager(organization_id=organization_id, user_id=user_id, role=role))
    else:
        row.role = role
    if role not in DECIDING_ROLES:
        return
    if matcher is not None:
        matcher.index.manage(organization_id, user_id)
    # Suggestions already open between this organization and the person's other ones are withdrawn:
    # the pair is now in the same hands.
    others = select(OrganizationManager.organization_id).where(
        (OrganizationManager.user_id == user_id)
        & (OrganizationManager.organization_id != organization_id)
        & OrganizationManager.role.in_(DECIDING_ROLES)
    )
    await session.execute(
        update(Match)
        .where(
            (Match.status == "open")
            & (
                ((Match.organization_a == organization_id) & Match.organization_b.in_(others))
                | ((Match.organization_b == organization_id) & Match.organization_a.in_(others))
            )
        )
        .values(status="withdrawn", updated_at=datetime.now(UTC))
    )


async def remove_manager(
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    session: AsyncSession,
    matcher: Matcher | None = None,
) -> None:
    await session.execute(
        delete(OrganizationManager).where(
            (OrganizationManager.organization_id == organization_id)
            & (OrganizationManager.user_id == user_id)
        )
    )
    if matcher is not None:
        matcher.index.unmanage(organization_id, user_id)


async def get_projection(organization_id: uuid.UUID, *, session: AsyncSession) -> OrganizationProjection:
    row = await session.get(OrganizationProjection, organization_id)
    if row is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    return row


async def read_model(session: AsyncSession) -> dict[str, list]:
    """The whole read model in a stable order: what a rebuild must reproduce."""
    orgs = (
        await session.execute(select(OrganizationProjection).order_by(OrganizationProjection.organization_id))
    ).scalars()
    members = (
        await session.execute(
            select(ConsortiumMembership).order_by(
                ConsortiumMembership.consortium_id, ConsortiumMembership.organization_id
            )
        )
    ).scalars()
    managers = (
        await session.execute(
            select(OrganizationManager).order_by(
                OrganizationManager.organization_id, OrganizationManager.user_id
            )
        )
    ).scalars()
    return {
        "organizations": [(str(o.organization_id), o.name, o.kind, o.country, o.profile) for o in orgs],
        "memberships": [(str(m.consortium_id), str(m.organization_id), m.role) for m in members],
        "managers": [(str(m.organization_id), str(m.user_id), m.role) for m in managers],
    }

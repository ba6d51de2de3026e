"""Matching's event consumers. The registry is the list of everything matching listens to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching import service
from services.matching.matcher import Matcher
from shared.events.directory import (
    ConsortiumCreated,
    MemberJoined,
    MemberLeft,
    OrganizationDeleted,
    OrganizationManagerAdded,
    OrganizationManagerRemoved,
    OrganizationRegistered,
    OrganizationUpdated,
)
from shared.events.envelope import CloudEvent
from shared.messaging.consumer import HandlerRegistry


def build_registry(matcher: Matcher | None, *, match: bool = True) -> HandlerRegistry:
    """The handlers of one process, bound to its candidate index (``matcher=None``: read model only)."""
    registry = HandlerRegistry()

    async def caught_up(session: AsyncSession) -> None:
        # Another replica may have applied events this process never saw: bring the index level first.
        if matcher is not None:
            await matcher.catch_up(session)

    @registry.on(OrganizationRegistered)
    @registry.on(OrganizationUpdated)
    async def on_profile(
        event: OrganizationRegistered, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await caught_up(session)
        await service.project_organization(
            event, event_id=envelope.id, session=session, matcher=matcher, match=match
        )

    @registry.on(OrganizationDeleted)
    async def on_deleted(event: OrganizationDeleted, *, session: AsyncSession, envelope: CloudEvent) -> None:
        await service.remove_organization(event.organization_id, session=session, matcher=matcher)

    @registry.on(MemberJoined)
    async def on_joined(event: MemberJoined, *, session: AsyncSession, envelope: CloudEvent) -> None:
        await caught_up(session)
        await service.join_consortium(
            event.consortium_id,
            event.organization_id,
            event.role,
            session=session,
            matcher=matcher,
            match=match,
        )

    @registry.on(MemberLeft)
    async def on_left(event: MemberLeft, *, session: AsyncSession, envelope: CloudEvent) -> None:
        await service.leave_consortium(
            event.consortium_id, event.organization_id, session=session, matcher=matcher
        )

    @registry.on(ConsortiumCreated)
    async def on_consortium(event: ConsortiumCreated, *, session: AsyncSession, envelope: CloudEvent) -> None:
        if event.manager_user_id:
            await service.add_manager(
                event.consortium_id, event.manager_user_id, "manager", session=session, matcher=matcher
            )

    @registry.on(OrganizationManagerAdded)
    async def on_manager(
        event: OrganizationManagerAdded, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await service.add_manager(
            event.organization_id, event.user_id, event.role, session=session, matcher=matcher
        )

    @registry.on(OrganizationManagerRemoved)
    async def on_manager_removed(
        event: OrganizationManagerRemoved, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await service.remove_manager(event.organization_id, event.user_id, session=session, matcher=matcher)

    return registry

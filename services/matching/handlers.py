"""Matching's event consumers. The registry is the list of everything matching listens to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching import service
from shared.events.directory import OrganizationRegistered, OrganizationUpdated
from shared.events.envelope import CloudEvent
from shared.messaging.consumer import HandlerRegistry

registry = HandlerRegistry()


@registry.on(OrganizationRegistered)
@registry.on(OrganizationUpdated)
async def on_organization_profile(
    event: OrganizationRegistered | OrganizationUpdated, *, session: AsyncSession, envelope: CloudEvent
) -> None:
    await service.project_organization(event, event_id=envelope.id, session=session)

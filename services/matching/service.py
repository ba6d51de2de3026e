"""Matching's use cases: the only code that changes matching's state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.models import OrganizationProjection
from shared.errors import NotFound
from shared.events.directory import OrganizationProfile


async def project_organization(profile: OrganizationProfile, *, event_id: str, session: AsyncSession) -> None:
    """Insert or replace the projection: profile events carry the whole profile, so the last one wins."""
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


async def get_projection(organization_id: uuid.UUID, *, session: AsyncSession) -> OrganizationProjection:
    row = await session.get(OrganizationProjection, organization_id)
    if row is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    return row

"""Matching's REST API."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.matching import service
from services.matching.schemas import OrganizationProjectionOut
from shared.app import Session

router = APIRouter()


@router.get(
    "/read-model/organizations/{organization_id}",
    response_model=OrganizationProjectionOut,
    tags=["read model"],
    summary="Matching's projection of an organization (fed by directory's events)",
)
async def get_projection(organization_id: uuid.UUID, session: Session) -> OrganizationProjectionOut:
    return OrganizationProjectionOut.model_validate(
        await service.get_projection(organization_id, session=session)
    )

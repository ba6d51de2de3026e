"""Verification's REST API: the badge, asking for it, and the officers' decision."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.directory.schemas import IdsIn
from services.directory.verification import service
from services.directory.verification.models import OrganizationVerification
from services.directory.verification.schemas import DecisionIn, VerificationOut
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser, Principal

router = APIRouter(tags=["verification"])


def _out(decision: OrganizationVerification, viewer: Principal | None) -> VerificationOut:
    out = VerificationOut.model_validate(decision)
    if viewer is None:
        out.reason = None
    return out


@router.get(
    "/organizations/{organization_id}/verification",
    response_model=VerificationOut,
    summary="An organization's verification badge (pending, verified or rejected)",
)
async def get_verification(
    organization_id: uuid.UUID, viewer: MaybeUser, session: Session
) -> VerificationOut:
    return _out(await service.get_verification(organization_id, session=session), viewer)


@router.post(
    "/organizations/{organization_id}/verification/request",
    response_model=VerificationOut,
    summary="Ask to be verified (the organization's managers)",
)
async def request_verification(
    organization_id: uuid.UUID, principal: CurrentUser, session: Session
) -> VerificationOut:
    return _out(await service.request_verification(organization_id, session=session, by=principal), principal)


@router.post(
    "/organizations/{organization_id}/verification",
    response_model=VerificationOut,
    summary="Verify or reject (agency officers of the organization's country; regional bodies' for any)",
)
async def decide(
    organization_id: uuid.UUID, body: DecisionIn, principal: CurrentUser, session: Session
) -> VerificationOut:
    decision = await service.decide(organization_id, body.status, body.reason, session=session, by=principal)
    return _out(decision, principal)


@router.post(
    "/verifications/batch",
    response_model=list[VerificationOut],
    summary="Badges of many organizations (DataLoaders); never-decided ones are left out (pending)",
)
async def get_verifications(body: IdsIn, viewer: MaybeUser, session: Session) -> list[VerificationOut]:
    return [_out(d, viewer) for d in await service.get_verifications(body.ids, session=session)]

"""Matching's REST API: thin routes over the use cases."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, status

from services.matching import service
from services.matching.matcher import Matcher
from services.matching.schemas import (
    FormationIn,
    FormationOut,
    MatchOut,
    MatchType,
    OrganizationProjectionOut,
    RespondIn,
)
from shared.app import Session
from shared.auth import CurrentUser, Role
from shared.pagination import MAX_PAGE, Page

router = APIRouter()


def _matcher(request: Request) -> Matcher:
    return request.app.state.matcher


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


@router.get(
    "/organizations/{organization_id}/matches",
    response_model=Page[MatchOut],
    tags=["matches"],
    summary="An organization's suggestions, best first",
)
async def list_matches(
    organization_id: uuid.UUID,
    session: Session,
    user: CurrentUser,
    type: MatchType | None = None,
    min_score: float = Query(default=0.0, ge=0.0, le=1.0),
    cursor: str | None = None,
    limit: int = Query(default=20, ge=1, le=MAX_PAGE),
) -> Page[MatchOut]:
    rows, cursors, next_cursor = await service.list_matches(
        organization_id,
        session=session,
        principal=user,
        match_type=type.value if type else None,
        min_score=min_score,
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[MatchOut.seen_from(m, organization_id) for m in rows], cursors=cursors, next_cursor=next_cursor
    )


@router.get("/matches/{match_id}", response_model=MatchOut, tags=["matches"])
async def get_match(
    match_id: uuid.UUID, session: Session, user: CurrentUser, organization_id: uuid.UUID | None = None
) -> MatchOut:
    m = await service.get_match(match_id, session=session, principal=user)
    return MatchOut.seen_from(m, organization_id or m.organization_a)


@router.post(
    "/matches/{match_id}/responses",
    response_model=MatchOut,
    tags=["matches"],
    summary="Accept or decline a suggestion for one side (a manager of that organization)",
)
async def respond(
    match_id: uuid.UUID, body: RespondIn, user: CurrentUser, session: Session, request: Request
) -> MatchOut:
    m = await service.respond(
        match_id, body.organization_id, body.response.value, user, session=session, matcher=_matcher(request)
    )
    return MatchOut.seen_from(m, body.organization_id)


@router.post(
    "/formations",
    response_model=FormationOut,
    status_code=status.HTTP_201_CREATED,
    tags=["formation"],
    summary="Propose consortia of 7-10 for a pool (consortium managers and agency officers)",
)
async def propose_formation(
    body: FormationIn, user: CurrentUser, session: Session, request: Request
) -> FormationOut:
    proposal = await service.propose_formation(body, user, session=session, matcher=_matcher(request))
    return FormationOut.model_validate(proposal)


@router.get("/formations/{proposal_id}", response_model=FormationOut, tags=["formation"])
async def get_formation(proposal_id: uuid.UUID, session: Session, user: CurrentUser) -> FormationOut:
    user.require(Role.consortium_manager, Role.agency_officer)
    return FormationOut.model_validate(await service.get_formation(proposal_id, session=session))

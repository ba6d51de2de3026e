"""Consortia's REST API: create, invite, accept, leave, and the lists of members and consortia."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, status

from services.directory.consortia import listing, service
from services.directory.consortia.schemas import (
    ConsortiumIn,
    ConsortiumMemberOut,
    InvitationIn,
    MembershipStatus,
)
from services.directory.organizations.output import organization_out
from services.directory.schemas import IdsIn, OrganizationOut
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter(tags=["consortia"])


def _page(rows_cursors_next: listing.Page) -> Page[ConsortiumMemberOut]:
    rows, cursors, next_cursor = rows_cursors_next
    return Page(
        items=[ConsortiumMemberOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=next_cursor
    )


@router.post(
    "/consortia",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    summary="Create a consortium",
)
async def create_consortium(body: ConsortiumIn, principal: CurrentUser, session: Session) -> OrganizationOut:
    return organization_out(await service.create_consortium(body, session=session, by=principal))


@router.post(
    "/consortia/{consortium_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsortiumMemberOut,
    summary="Invite an organization (the consortium's managers)",
)
async def invite(
    consortium_id: uuid.UUID, body: InvitationIn, principal: CurrentUser, session: Session
) -> ConsortiumMemberOut:
    membership = await service.invite(
        consortium_id, body.organization_id, role=body.role, session=session, by=principal
    )
    return ConsortiumMemberOut.model_validate(membership)


@router.post(
    "/consortia/{consortium_id}/members/{organization_id}/accept",
    response_model=ConsortiumMemberOut,
    summary="Accept an invitation (the invited organization's managers)",
)
async def accept(
    consortium_id: uuid.UUID, organization_id: uuid.UUID, principal: CurrentUser, session: Session
) -> ConsortiumMemberOut:
    return ConsortiumMemberOut.model_validate(
        await service.accept(consortium_id, organization_id, session=session, by=principal)
    )


@router.post(
    "/consortia/{consortium_id}/members/{organization_id}/leave",
    response_model=ConsortiumMemberOut,
    summary="Leave, decline an invitation, or remove a member (either side's managers)",
)
async def leave(
    consortium_id: uuid.UUID, organization_id: uuid.UUID, principal: CurrentUser, session: Session
) -> ConsortiumMemberOut:
    return ConsortiumMemberOut.model_validate(
        await service.leave(consortium_id, organization_id, session=session, by=principal)
    )


@router.get(
    "/consortia/{consortium_id}/members",
    response_model=Page[ConsortiumMemberOut],
    summary="A consortium's members by status; invitations only for its managers",
)
async def members(
    consortium_id: uuid.UUID,
    viewer: MaybeUser,
    session: Session,
    status: MembershipStatus = "active",
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[ConsortiumMemberOut]:
    return _page(
        await listing.members_of(
            consortium_id, session=session, viewer=viewer, status=status, cursor=cursor, limit=limit
        )
    )


@router.get(
    "/organizations/{organization_id}/consortia",
    response_model=Page[ConsortiumMemberOut],
    summary="The consortia an organization belongs to (or was invited to: its managers only)",
)
async def consortia_of(
    organization_id: uuid.UUID,
    viewer: MaybeUser,
    session: Session,
    status: MembershipStatus = "active",
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[ConsortiumMemberOut]:
    return _page(
        await listing.consortia_of(
            organization_id, session=session, viewer=viewer, status=status, cursor=cursor, limit=limit
        )
    )


@router.post(
    "/consortium-memberships/batch",
    response_model=list[ConsortiumMemberOut],
    summary="Active consortium memberships of many organizations (for DataLoaders)",
)
async def memberships_batch(body: IdsIn, session: Session) -> list[ConsortiumMemberOut]:
    rows = await listing.memberships_batch(body.ids, session=session)
    return [ConsortiumMemberOut.model_validate(r) for r in rows]

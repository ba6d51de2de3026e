"""People's REST API: who someone is, and who works for an organization (contacts for members only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, status

from services.directory.accounts import people, service
from services.directory.accounts.schemas import OrganizationMemberIn, OrganizationMemberOut, PersonOut
from services.directory.schemas import IdsIn
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter(tags=["people"])


@router.get("/people/{user_id}", response_model=PersonOut, summary="A person; contacts only for members")
async def get_person(user_id: uuid.UUID, viewer: MaybeUser, session: Session) -> PersonOut:
    return service.person_view(await service.get_user(user_id, session=session), viewer)


@router.post(
    "/people/batch",
    response_model=list[PersonOut],
    summary="Many people by id (DataLoaders); unknown ids left out",
)
async def get_people(body: IdsIn, viewer: MaybeUser, session: Session) -> list[PersonOut]:
    return [service.person_view(u, viewer) for u in await service.get_users(body.ids, session=session)]


@router.get(
    "/organizations/{organization_id}/members",
    response_model=Page[OrganizationMemberOut],
    summary="The people of an organization; e-mails and phones only for signed-in members",
)
async def list_members(
    organization_id: uuid.UUID,
    viewer: MaybeUser,
    session: Session,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[OrganizationMemberOut]:
    items, cursors, next_cursor = await people.list_members(
        organization_id, session=session, viewer=viewer, cursor=cursor, limit=limit
    )
    return Page(items=items, cursors=cursors, next_cursor=next_cursor)


@router.post(
    "/organizations/{organization_id}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Add a person to an organization, or change their role (its managers)",
)
async def add_member(
    organization_id: uuid.UUID, body: OrganizationMemberIn, principal: CurrentUser, session: Session
) -> dict[str, str]:
    member = await people.add_member(organization_id, body.user_id, body.role, session=session, by=principal)
    return {
        "organization_id": str(member.organization_id),
        "user_id": str(member.user_id),
        "role": member.role,
    }


@router.delete(
    "/organizations/{organization_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a person from an organization (its managers), or leave it (oneself)",
)
async def remove_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, principal: CurrentUser, session: Session
) -> None:
    await people.remove_member(organization_id, user_id, session=session, by=principal)

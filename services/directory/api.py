"""Directory's REST API: thin routes over the use cases in service.py."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, status

from services.directory import service
from services.directory.schemas import CountryOut, IdsIn, OrganizationIn, OrganizationKind, OrganizationOut
from shared.app import Session
from shared.pagination import MAX_PAGE, Page

router = APIRouter()


@router.post(
    "/organizations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    tags=["organizations"],
    summary="Register an organization",
)
async def register_organization(body: OrganizationIn, session: Session) -> OrganizationOut:
    org = await service.register_organization(body, session=session)
    return OrganizationOut.model_validate(org)


@router.get("/organizations/{organization_id}", response_model=OrganizationOut, tags=["organizations"])
async def get_organization(organization_id: uuid.UUID, session: Session) -> OrganizationOut:
    return OrganizationOut.model_validate(await service.get_organization(organization_id, session=session))


@router.post(
    "/organizations/batch",
    response_model=list[OrganizationOut],
    tags=["organizations"],
    summary="Read many organizations by id (for DataLoaders); unknown ids are left out",
)
async def get_organizations(body: IdsIn, session: Session) -> list[OrganizationOut]:
    return [
        OrganizationOut.model_validate(o) for o in await service.get_organizations(body.ids, session=session)
    ]


@router.get("/organizations", response_model=Page[OrganizationOut], tags=["organizations"])
async def list_organizations(
    session: Session,
    country: str | None = Query(default=None, min_length=2, max_length=2),
    kind: OrganizationKind | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[OrganizationOut]:
    rows, cursors, next_cursor = await service.list_organizations(
        session=session, country=country, kind=kind.value if kind else None, cursor=cursor, limit=limit
    )
    return Page(
        items=[OrganizationOut.model_validate(o) for o in rows], cursors=cursors, next_cursor=next_cursor
    )


@router.get("/countries", response_model=list[CountryOut], tags=["reference"])
async def list_countries(session: Session) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in await service.list_countries(session=session)]

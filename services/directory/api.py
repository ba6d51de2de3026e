"""Directory's REST API for organizations: thin routes over the use cases in service.py."""

from __future__ import annotations

import uuid

import orjson
from fastapi import APIRouter, Query, Request, Response, status

from services.directory import service
from services.directory.organizations import bulk, search
from services.directory.organizations.output import Projection, organization_out
from services.directory.schemas import (
    IdsIn,
    OrganizationIn,
    OrganizationKind,
    OrganizationOut,
    OrganizationPatch,
)
from services.directory.search_schemas import ImportIn, ImportOut, SearchPageOut
from shared.app import Session
from shared.auth import CurrentUser, Role
from shared.pagination import MAX_PAGE, Page

router = APIRouter(tags=["organizations"])


@router.post(
    "/organizations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    summary="Register an organization; the signed-in user becomes its manager",
    responses={409: {"description": "duplicate_organization"}, 422: {"description": "validation codes"}},
)
async def register_organization(body: OrganizationIn, session: Session, user: CurrentUser) -> OrganizationOut:
    return organization_out(await service.register_organization(body, session=session, actor=user))


@router.get(
    "/organizations/search",
    response_model=SearchPageOut,
    summary="Full-text search (accent- and case-insensitive, Spanish and English) with facets",
)
async def search_organizations(
    request: Request,
    session: Session,
    q: str = Query(default="", max_length=200, description="Words to find; empty lists everything by name"),
    kind: list[str] = Query(default=[]),
    country: list[str] = Query(default=[]),
    size: list[str] = Query(default=[]),
    sector: list[str] = Query(default=[], description="Sector codes; a family matches its children"),
    market: list[str] = Query(default=[], description="Target market: ISO country or region code"),
    verified: list[str] = Query(default=[], description="Verification badge: pending, verified, rejected"),
    facets: bool = Query(default=True, description="Also count the matches per facet value"),
    cursor: str | None = None,
    limit: int = Query(default=20, ge=1, le=MAX_PAGE),
    fields: str | None = Query(
        default=None,
        description="Comma-separated fields of each organization to answer (id always); "
        "whole organizations when absent or when one of them is products, figures or a timestamp",
    ),
) -> SearchPageOut | Response:
    filters = search.SearchFilters(
        kind=kind, country=country, size=size, sector=sector, market=market, verified=verified
    )
    projection = Projection.parse(fields)
    runtime = request.app.state.runtime
    asked = {
        "query": q,
        "filters": filters,
        "cursor": cursor,
        "limit": limit,
        "with_facets": facets,
        "columns": projection.columns if projection else None,
    }
    if facets and runtime.engine is not None and runtime.engine.dialect.name == "postgresql":
        async with runtime.session() as facet_session:
            page = await search.search(
                session=session,
                facet_session=facet_session,
                exact_facets_up_to=runtime.settings.search_exact_counts_up_to or None,
                **asked,
            )
    else:
        page = await search.search(session=session, **asked)
    if projection is not None:
        # Plain JSON of plain values: no response model to validate and serialize again.
        out = {
            "items": [projection.row(r) for r in page.items],
            "cursors": page.cursors,
            "next_cursor": page.next_cursor,
            "facets": page.facets,
            "total": page.total,
            "exact_counts": page.exact,
        }
        return Response(orjson.dumps(out), media_type="application/json")
    return SearchPageOut(
        items=[organization_out(o) for o in page.items],
        cursors=page.cursors,
        next_cursor=page.next_cursor,
        facets=page.facets,
        total=page.total,
        exact_counts=page.exact,
    )


@router.post(
    "/organizations/batch",
    response_model=list[OrganizationOut],
    summary="Read many organizations by id (for DataLoaders); unknown ids are left out",
)
async def get_organizations(body: IdsIn, session: Session) -> list[OrganizationOut]:
    return [organization_out(o) for o in await service.get_organizations(body.ids, session=session)]


@router.post(
    "/organizations/import",
    response_model=ImportOut,
    summary="Bulk import (admins): each valid row is registered with its event; bad rows are reported",
)
async def import_organizations(body: ImportIn, session: Session, user: CurrentUser) -> ImportOut:
    user.require(Role.admin)
    result = await bulk.import_organizations(body.organizations, session=session)
    return ImportOut(imported=result.imported, ids=result.ids, errors=result.errors)


@router.get("/organizations/{organization_id}", response_model=OrganizationOut)
async def get_organization(organization_id: uuid.UUID, session: Session) -> OrganizationOut:
    return organization_out(await service.get_organization(organization_id, session=session))


@router.patch(
    "/organizations/{organization_id}",
    response_model=OrganizationOut,
    summary="Change an organization's profile (its managers only); absent fields keep their value",
)
async def update_organization(
    organization_id: uuid.UUID, body: OrganizationPatch, session: Session, user: CurrentUser
) -> OrganizationOut:
    org = await service.update_organization(organization_id, body, session=session, actor=user)
    return organization_out(org)


@router.delete(
    "/organizations/{organization_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an organization from the network (its managers only)",
)
async def delete_organization(organization_id: uuid.UUID, session: Session, user: CurrentUser) -> Response:
    await service.delete_organization(organization_id, session=session, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/organizations", response_model=Page[OrganizationOut], summary="Organizations by name")
async def list_organizations(
    session: Session,
    country: str | None = Query(default=None, min_length=2, max_length=2),
    kind: OrganizationKind | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
    fields: str | None = Query(
        default=None,
        description="Comma-separated fields of each organization to answer (id always); "
        "whole organizations when absent or when one of them is products, figures or a timestamp",
    ),
) -> Page[OrganizationOut] | Response:
    projection = Projection.parse(fields)
    rows, cursors, next_cursor = await service.list_organizations(
        session=session,
        country=country,
        kind=kind.value if kind else None,
        cursor=cursor,
        limit=limit,
        columns=projection.columns if projection else None,
    )
    if projection is not None:
        # Plain JSON of plain values: no response model to validate and serialize again.
        page = {"items": [projection.row(r) for r in rows], "cursors": cursors, "next_cursor": next_cursor}
        return Response(orjson.dumps(page), media_type="application/json")
    return Page(items=[organization_out(o) for o in rows], cursors=cursors, next_cursor=next_cursor)

"""Directory's queries and mutations: organizations, search, check-up; knowledge in knowledge_schema.py."""

from __future__ import annotations

import contextlib

import strawberry

from gateway.clients import ServiceError
from gateway.directory.checkup_types import Checkup, CheckupAnswerInput
from gateway.directory.inputs import RegisterOrganizationInput, UpdateOrganizationInput, rest_body
from gateway.directory.knowledge_schema import KnowledgeQuery
from gateway.directory.knowledge_types import (
    Facet,
    FacetValue,
    OrganizationSearchConnection,
    OrganizationSearchEdge,
)
from gateway.directory.projection import node_fields, selects_any
from gateway.directory.results import (
    DeleteOrganizationResult,
    DeleteOrganizationSuccess,
    RegisterOrganizationResult,
    RegisterOrganizationSuccess,
    SubmitCheckupResult,
    SubmitCheckupSuccess,
    UpdateOrganizationResult,
    UpdateOrganizationSuccess,
)
from gateway.directory.types import Country, Organization, OrganizationKind, SizeClass
from gateway.errors import from_service_error
from gateway.pagination import Connection, PageInfo


async def _prime(info: strawberry.Info, rows: list[dict], *, whole: bool = True) -> list[Organization]:  # type: ignore[type-arg]
    if any(row.get("country") for row in rows):
        await info.context.load_country_index()
    if whole:  # a projected row (only some fields) must not answer another field's load
        for row in rows:
            info.context.organizations.prime(row["id"], row)
    return [Organization.from_row(row) for row in rows]


@strawberry.type
class DirectoryQuery(KnowledgeQuery):
    @strawberry.field(description="One organization by id; null when there is none.")
    async def organization(self, info: strawberry.Info, id: strawberry.ID) -> Organization | None:
        row = await info.context.organizations.load(str(id))
        return Organization.from_row(row) if row else None

    @strawberry.field(description="Organizations by name, filtered by country and kind.")
    async def organizations(
        self,
        info: strawberry.Info,
        first: int = 50,
        after: str | None = None,
        country: str | None = None,
        kind: OrganizationKind | None = None,
    ) -> Connection[Organization]:
        fields = node_fields(info)  # only what the page reads (projection.py)
        params = {
            "limit": first,
            "cursor": after,
            "country": country,
            "kind": kind.value if kind else None,
            "fields": fields,
        }
        page = await info.context.clients.directory.get(
            "/organizations", params={k: v for k, v in params.items() if v is not None}
        )
        nodes = await _prime(info, page["items"], whole=fields is None)
        return Connection.of(nodes, page["cursors"], page["next_cursor"])

    @strawberry.field(
        description="Full-text search, accent- and case-insensitive in Spanish and English, with facets. "
        "Values of one filter are ORed, different filters ANDed; a sector family matches its children. "
        "With words, organizations whose name or acronym holds them come first, then verified before "
        "pending, more complete profiles first; without words, by name."
    )
    async def search_organizations(
        self,
        info: strawberry.Info,
        query: str = "",
        kind: list[OrganizationKind] | None = None,
        country: list[str] | None = None,
        size: list[SizeClass] | None = None,
        sector: list[str] | None = None,
        market: list[str] | None = None,
        verified: list[str] | None = None,
        with_facets: bool = True,
        first: int = 20,
        after: str | None = None,
    ) -> OrganizationSearchConnection:
        params: dict[str, object] = {
            "q": query,
            "limit": first,
            # Counting facets costs directory more than the page: only when the query reads them.
            "facets": str(with_facets and selects_any(info, {"facets", "totalCount", "exactCounts"})).lower(),
            "kind": [k.value for k in kind or []],
            "country": country or [],
            "size": [s.value for s in size or []],
            "sector": sector or [],
            "market": market or [],
            "verified": verified or [],
        }
        if after:
            params["cursor"] = after
        if fields := node_fields(info):  # only what the page reads (projection.py)
            params["fields"] = fields
        page = await info.context.clients.directory.get("/organizations/search", params=params)
        nodes = await _prime(info, page["items"], whole=fields is None)
        return OrganizationSearchConnection(
            edges=[
                OrganizationSearchEdge(cursor=c, node=n) for n, c in zip(nodes, page["cursors"], strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page["next_cursor"] is not None,
                end_cursor=page["cursors"][-1] if page["cursors"] else None,
            ),
            total_count=page.get("total"),
            exact_counts=page.get("exact_counts", True),
            facets=[
                Facet(
                    name=name,
                    values=[FacetValue(value=_as_filter(name, v), count=n) for v, n in values.items()],
                )
                for name, values in page.get("facets", {}).items()
            ],
        )

    @strawberry.field(description="An organization's Export Check-Ups, newest first.")
    async def checkup_history(
        self, info: strawberry.Info, organization_id: strawberry.ID, first: int = 20, after: str | None = None
    ) -> Connection[Checkup]:
        from gateway.directory.checkup_types import checkup_connection

        return await checkup_connection(info, str(organization_id), first, after)

    @strawberry.field(description="Every ISO 3166 country.")
    async def countries(self, info: strawberry.Info) -> list[Country]:
        return [Country.from_row(r) for r in await info.context.clients.directory.get("/countries")]


@strawberry.type
class DirectoryMutation:
    @strawberry.mutation(description="Register an organization (signed in); you become its manager.")
    async def register_organization(
        self, info: strawberry.Info, input: RegisterOrganizationInput
    ) -> RegisterOrganizationResult:
        try:
            row = await info.context.clients.directory.post("/organizations", json=rest_body(input))
        except ServiceError as exc:
            return from_service_error(exc)
        return RegisterOrganizationSuccess(organization=(await _prime(info, [row]))[0])

    @strawberry.mutation(description="Change an organization's profile (its managers only).")
    async def update_organization(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateOrganizationInput
    ) -> UpdateOrganizationResult:
        try:
            row = await info.context.clients.directory.request(
                "PATCH", f"/organizations/{id}", json=rest_body(input)
            )
        except ServiceError as exc:
            return from_service_error(exc)
        return UpdateOrganizationSuccess(organization=(await _prime(info, [row]))[0])

    @strawberry.mutation(description="Remove an organization from the network (its managers only).")
    async def delete_organization(self, info: strawberry.Info, id: strawberry.ID) -> DeleteOrganizationResult:
        try:
            await info.context.clients.directory.request("DELETE", f"/organizations/{id}")
        except ServiceError as exc:
            return from_service_error(exc)
        return DeleteOrganizationSuccess(id=id)

    @strawberry.mutation(description="Fill the Export Check-Up for an organization (its managers only).")
    async def submit_export_checkup(
        self, info: strawberry.Info, organization_id: strawberry.ID, answers: list[CheckupAnswerInput]
    ) -> SubmitCheckupResult:
        body = {"answers": {a.question_id: a.option for a in answers}}
        try:
            row = await info.context.clients.directory.post(
                f"/organizations/{organization_id}/checkups", json=body
            )
        except ServiceError as exc:
            return from_service_error(exc)
        with contextlib.suppress(KeyError):  # the loader may not have cached it yet
            info.context.organizations.clear(str(organization_id))
        org = await info.context.organizations.load(str(organization_id))
        return SubmitCheckupSuccess(
            checkup=Checkup.from_row(row), organization=Organization.from_row(org) if org else None
        )


_ENUM_FACETS: dict[str, type[OrganizationKind] | type[SizeClass]] = {
    "kind": OrganizationKind,
    "size": SizeClass,
}


def _as_filter(facet: str, value: str) -> str:
    """A facet value as the search's own filter takes it back: the enum's name for kind and size
    (`SME`, `SMALL`), the code itself for the others."""
    enum = _ENUM_FACETS.get(facet)
    try:
        return enum(value).name if enum else value
    except ValueError:
        return value

"""Directory's queries and mutations."""

from __future__ import annotations

import strawberry

from gateway.clients import ServiceError
from gateway.directory.types import (
    Country,
    Organization,
    OrganizationKind,
    RegisterOrganizationInput,
    RegisterOrganizationResult,
    RegisterOrganizationSuccess,
)
from gateway.errors import from_service_error
from gateway.pagination import Connection


@strawberry.type
class DirectoryQuery:
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
        params = {"limit": first, "cursor": after, "country": country, "kind": kind.value if kind else None}
        page = await info.context.clients.directory.get(
            "/organizations", params={k: v for k, v in params.items() if v is not None}
        )
        for row in page["items"]:
            info.context.organizations.prime(row["id"], row)
        nodes = [Organization.from_row(row) for row in page["items"]]
        return Connection.of(nodes, page["cursors"], page["next_cursor"])

    @strawberry.field(description="Every ISO 3166 country.")
    async def countries(self, info: strawberry.Info) -> list[Country]:
        return [Country.from_row(r) for r in await info.context.clients.directory.get("/countries")]


@strawberry.type
class DirectoryMutation:
    @strawberry.mutation(description="Register an organization in the directory.")
    async def register_organization(
        self, info: strawberry.Info, input: RegisterOrganizationInput
    ) -> RegisterOrganizationResult:
        body = strawberry.asdict(input)
        body["kind"] = input.kind.value
        try:
            row = await info.context.clients.directory.post("/organizations", json=body)
        except ServiceError as exc:
            return from_service_error(exc)
        info.context.organizations.prime(row["id"], row)
        return RegisterOrganizationSuccess(organization=Organization.from_row(row))

"""Consortia, memberships, verification and people: queries and mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.clients import ServiceError
from gateway.consortia import loaders
from gateway.consortia.types import (
    ConsortiumCreated,
    ConsortiumMembership,
    ConsortiumRole,
    CreateConsortiumResult,
    MembershipResult,
    MembershipStatus,
    OrganizationPerson,
    Person,
    Verification,
    VerificationDecision,
    VerificationResult,
)
from gateway.directory.types import Organization
from gateway.errors import from_service_error
from gateway.pagination import Connection


@strawberry.input(description="A new consortium.")
class CreateConsortiumInput:
    name: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    acronym: str | None = None
    description: str | None = None
    sectors: list[str] | None = None
    target_markets: list[str] | None = None
    founding_organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="An organization you manage; it joins at once as the consortium's manager."
    )


def _params(first: int, after: str | None, status: MembershipStatus | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": first, "cursor": after, "status": status.value if status else None}
    return {k: v for k, v in params.items() if v is not None}


def _memberships(page: dict[str, Any]) -> Connection[ConsortiumMembership]:
    nodes = [ConsortiumMembership.from_row(r) for r in page["items"]]
    return Connection.of(nodes, page["cursors"], page["next_cursor"])


@strawberry.type
class ConsortiumQuery:
    @strawberry.field(
        description="A consortium's members (active by default; invitations: its managers only)."
    )
    async def consortium_members(
        self,
        info: strawberry.Info,
        consortium_id: strawberry.ID,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ConsortiumMembership]:
        path = f"/consortia/{consortium_id}/members"
        return _memberships(
            await info.context.clients.directory.get(path, params=_params(first, after, status))
        )

    @strawberry.field(
        description="The consortia an organization belongs to (invitations: its managers only)."
    )
    async def organization_consortia(
        self,
        info: strawberry.Info,
        organization_id: strawberry.ID,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ConsortiumMembership]:
        path = f"/organizations/{organization_id}/consortia"
        return _memberships(
            await info.context.clients.directory.get(path, params=_params(first, after, status))
        )

    @strawberry.field(description="An organization's verification badge.")
    async def organization_verification(
        self, info: strawberry.Info, organization_id: strawberry.ID
    ) -> Verification:
        return Verification.from_row(await loaders.verifications(info.context).load(str(organization_id)))

    @strawberry.field(
        description="The people of an organization; e-mails and phones only for signed-in members."
    )
    async def organization_people(
        self, info: strawberry.Info, organization_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> Connection[OrganizationPerson]:
        page = await info.context.clients.directory.get(
            f"/organizations/{organization_id}/members", params=_params(first, after)
        )
        return Connection.of(
            [OrganizationPerson.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @strawberry.field(description="A person; e-mail and phone only for signed-in members.")
    async def person(self, info: strawberry.Info, id: strawberry.ID) -> Person | None:
        try:
            row = await info.context.clients.directory.get(f"/people/{id}")
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise
        return Person(
            id=strawberry.ID(row["id"]),
            display_name=row["display_name"],
            email=row.get("email"),
            phone=row.get("phone"),
        )


async def _membership(info: strawberry.Info, path: str, body: dict[str, Any] | None = None) -> Any:
    try:
        return ConsortiumMembership.from_row(await info.context.clients.directory.post(path, json=body))
    except ServiceError as exc:
        return from_service_error(exc)


async def _verification(info: strawberry.Info, path: str, body: dict[str, Any] | None = None) -> Any:
    try:
        return Verification.from_row(await info.context.clients.directory.post(path, json=body))
    except ServiceError as exc:
        return from_service_error(exc)


@strawberry.type
class ConsortiumMutation:
    @strawberry.mutation(description="Create a consortium; you become its manager.")
    async def create_consortium(
        self, info: strawberry.Info, input: CreateConsortiumInput
    ) -> CreateConsortiumResult:
        body = {k: v for k, v in strawberry.asdict(input).items() if v is not None}
        try:
            row = await info.context.clients.directory.post("/consortia", json=body)
        except ServiceError as exc:
            return from_service_error(exc)
        info.context.organizations.prime(row["id"], row)
        return ConsortiumCreated(consortium=Organization.from_row(row))

    @strawberry.mutation(description="Invite an organization into a consortium (its managers).")
    async def invite_to_consortium(
        self,
        info: strawberry.Info,
        consortium_id: strawberry.ID,
        organization_id: strawberry.ID,
        role: ConsortiumRole = ConsortiumRole.MEMBER,
    ) -> MembershipResult:
        body = {"organization_id": str(organization_id), "role": role.value}
        return await _membership(info, f"/consortia/{consortium_id}/invitations", body)

    @strawberry.mutation(description="Accept an invitation (the invited organization's managers).")
    async def accept_consortium_invitation(
        self, info: strawberry.Info, consortium_id: strawberry.ID, organization_id: strawberry.ID
    ) -> MembershipResult:
        return await _membership(info, f"/consortia/{consortium_id}/members/{organization_id}/accept")

    @strawberry.mutation(description="Leave a consortium, decline an invitation, or remove a member.")
    async def leave_consortium(
        self, info: strawberry.Info, consortium_id: strawberry.ID, organization_id: strawberry.ID
    ) -> MembershipResult:
        return await _membership(info, f"/consortia/{consortium_id}/members/{organization_id}/leave")

    @strawberry.mutation(description="Ask an agency to verify your organization (its managers).")
    async def request_verification(
        self, info: strawberry.Info, organization_id: strawberry.ID
    ) -> VerificationResult:
        return await _verification(info, f"/organizations/{organization_id}/verification/request")

    @strawberry.mutation(description="Verify or reject an organization (agency officers of its country).")
    async def verify_organization(
        self,
        info: strawberry.Info,
        organization_id: strawberry.ID,
        decision: VerificationDecision,
        reason: str | None = None,
    ) -> VerificationResult:
        body = {"status": decision.value, "reason": reason}
        return await _verification(info, f"/organizations/{organization_id}/verification", body)

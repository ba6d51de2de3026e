"""GraphQL types of consortium memberships, verification badges and people."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.directory.types import Organization
from gateway.errors import ConflictError, NotFoundError, PermissionError, ValidationError


def _moment(row: dict[str, Any], key: str) -> datetime | None:
    return datetime.fromisoformat(row[key]) if row.get(key) else None


@strawberry.enum(description="Where a consortium membership stands.")
class MembershipStatus(Enum):
    INVITED = "invited"
    ACTIVE = "active"
    LEFT = "left"


@strawberry.enum(description="An organization's role inside a consortium.")
class ConsortiumRole(Enum):
    MEMBER = "member"
    MANAGER = "manager"


@strawberry.enum(description="An agency officer's decision.")
class VerificationDecision(Enum):
    VERIFIED = "verified"
    REJECTED = "rejected"


@strawberry.type(description="An organization's place in a consortium: invited, then active, then left.")
class ConsortiumMembership:
    consortium_id: strawberry.ID
    organization_id: strawberry.ID
    role: ConsortiumRole
    status: MembershipStatus
    invited_at: datetime
    joined_at: datetime | None
    left_at: datetime | None

    @strawberry.field(description="The consortium.")
    async def consortium(self, info: strawberry.Info) -> Organization | None:
        row = await info.context.organizations.load(str(self.consortium_id))
        return Organization.from_row(row) if row else None

    @strawberry.field(description="The member organization.")
    async def organization(self, info: strawberry.Info) -> Organization | None:
        row = await info.context.organizations.load(str(self.organization_id))
        return Organization.from_row(row) if row else None

    @staticmethod
    def from_row(row: dict[str, Any]) -> ConsortiumMembership:
        return ConsortiumMembership(
            consortium_id=strawberry.ID(row["consortium_id"]),
            organization_id=strawberry.ID(row["organization_id"]),
            role=ConsortiumRole(row["role"]),
            status=MembershipStatus(row["status"]),
            invited_at=datetime.fromisoformat(row["invited_at"]),
            joined_at=_moment(row, "joined_at"),
            left_at=_moment(row, "left_at"),
        )


@strawberry.type(description="An organization's verification badge and who vouches for it.")
class Verification:
    organization_id: strawberry.ID
    status: str = strawberry.field(description="pending, verified or rejected.")
    reason: str | None = strawberry.field(description="Why it was rejected (signed-in members only).")
    decided_at: datetime | None
    agency_id: strawberry.ID | None = strawberry.field(description="The agency whose officer decided.")

    @strawberry.field(description="The agency whose officer decided.")
    async def agency(self, info: strawberry.Info) -> Organization | None:
        if not self.agency_id:
            return None
        row = await info.context.organizations.load(str(self.agency_id))
        return Organization.from_row(row) if row else None

    @staticmethod
    def from_row(row: dict[str, Any]) -> Verification:
        return Verification(
            organization_id=strawberry.ID(row["organization_id"]),
            status=row["status"],
            reason=row.get("reason"),
            decided_at=_moment(row, "decided_at"),
            agency_id=strawberry.ID(row["agency_id"]) if row.get("agency_id") else None,
        )


@strawberry.type(description="A person in the network; e-mail and phone only for signed-in members.")
class Person:
    id: strawberry.ID
    display_name: str
    email: str | None
    phone: str | None


@strawberry.type(description="A person's place in an organization.")
class OrganizationPerson:
    role: str = strawberry.field(description="owner, manager or staff.")
    person: Person

    @staticmethod
    def from_row(row: dict[str, Any]) -> OrganizationPerson:
        person = Person(
            id=strawberry.ID(row["user_id"]),
            display_name=row["display_name"],
            email=row.get("email"),
            phone=row.get("phone"),
        )
        return OrganizationPerson(role=row["role"], person=person)


@strawberry.type(description="The consortium was created; its creator manages it.")
class ConsortiumCreated:
    consortium: Organization


CreateConsortiumResult = Annotated[
    ConsortiumCreated | ValidationError | ConflictError | PermissionError | NotFoundError,
    strawberry.union("CreateConsortiumResult", description="The new consortium, or why not."),
]
MembershipResult = Annotated[
    ConsortiumMembership | ValidationError | NotFoundError | ConflictError | PermissionError,
    strawberry.union(
        "ConsortiumMembershipResult", description="The membership after the change, or why not."
    ),
]
VerificationResult = Annotated[
    Verification | ValidationError | NotFoundError | ConflictError | PermissionError,
    strawberry.union("VerificationResult", description="The badge after the change, or why not."),
]

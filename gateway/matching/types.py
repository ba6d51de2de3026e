"""GraphQL types for matching's data."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.directory.types import Organization
from gateway.errors import ConflictError, NotFoundError, PermissionError, ValidationError


@strawberry.enum(description="What kind of suggestion this is.")
class MatchType(Enum):
    PARTNER = "partner"
    SUPPLIER = "supplier"
    INTER_CONSORTIUM = "inter_consortium"


@strawberry.enum(description="An answer to a suggestion.")
class MatchResponse(Enum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


async def _organization(info: strawberry.Info, organization_id: str) -> Organization | None:
    row = await info.context.organizations.load(organization_id)
    return Organization.from_row(row) if row else None


@strawberry.type(description="A suggestion seen from one organization, with the reasons behind its score.")
class Match:
    id: strawberry.ID
    match_type: MatchType
    score: float = strawberry.field(description="0 to 1.")
    reasons_es: list[str] = strawberry.field(description="Why, in Spanish, strongest first.")
    reasons_en: list[str] = strawberry.field(description="Why, in English, strongest first.")
    status: str = strawberry.field(description="open, introduced, declined or withdrawn.")
    my_response: str = strawberry.field(description="pending, accepted or declined.")
    their_response: str
    organization_id: strawberry.ID
    counterpart_id: strawberry.ID
    supplier_id: strawberry.ID | None = strawberry.field(description="For supplier matches: who supplies.")
    created_at: datetime | None = None

    @strawberry.field(description="The other side, from the directory.")
    async def counterpart(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, str(self.counterpart_id))

    @strawberry.field(description="The organization this suggestion is for.")
    async def organization(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, str(self.organization_id))

    @staticmethod
    def from_row(row: dict[str, Any]) -> Match:
        created = row.get("created_at")
        return Match(
            id=strawberry.ID(row.get("id") or row["match_id"]),
            match_type=MatchType(row["match_type"]),
            score=row["score"],
            reasons_es=row.get("reasons_es", []),
            reasons_en=row.get("reasons_en", []),
            status=row.get("status", "open"),
            my_response=row.get("my_response", "pending"),
            their_response=row.get("their_response", "pending"),
            organization_id=strawberry.ID(row["organization_id"]),
            counterpart_id=strawberry.ID(row["counterpart_id"]),
            supplier_id=strawberry.ID(row["supplier_id"]) if row.get("supplier_id") else None,
            created_at=datetime.fromisoformat(created) if created else None,
        )


@strawberry.type(description="One member's place in a proposed group, and why.")
class FormationMember:
    organization_id: strawberry.ID
    name: str
    fit: float = strawberry.field(description="Mean affinity with the rest of the group, 0 to 1.")
    explanation_es: str
    explanation_en: str

    @strawberry.field
    async def organization(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, str(self.organization_id))


@strawberry.type(description="A proposed consortium: 7-10 SMEs, no two direct competitors.")
class FormationGroup:
    cohesion: float
    members: list[FormationMember]


@strawberry.type(description="An SME of the pool that no group took, and why.")
class FormationLeftOut:
    organization_id: strawberry.ID
    name: str
    reason_es: str
    reason_en: str


@strawberry.type(description="A consortium-formation proposal for a pool.")
class FormationProposal:
    id: strawberry.ID
    groups: list[FormationGroup]
    unassigned: list[FormationLeftOut]
    pool_size: int
    created_at: datetime

    @staticmethod
    def from_row(row: dict[str, Any]) -> FormationProposal:
        return FormationProposal(
            id=strawberry.ID(row["id"]),
            groups=[
                FormationGroup(
                    cohesion=g["cohesion"],
                    members=[
                        FormationMember(
                            organization_id=strawberry.ID(m["organization_id"]),
                            name=m["name"],
                            fit=m["fit"],
                            explanation_es=m["explanation_es"],
                            explanation_en=m["explanation_en"],
                        )
                        for m in g["members"]
                    ],
                )
                for g in row["groups"]
            ],
            unassigned=[
                FormationLeftOut(
                    organization_id=strawberry.ID(u["organization_id"]),
                    name=u["name"],
                    reason_es=u["reason_es"],
                    reason_en=u["reason_en"],
                )
                for u in row["unassigned"]
            ],
            pool_size=row["pool"].get("size", 0),
            created_at=datetime.fromisoformat(row["created_at"]),
        )


@strawberry.input(description="A pool by sector and country or region, or an explicit list of SMEs.")
class ProposeFormationInput:
    organization_ids: list[strawberry.ID] | None = None
    sector: str | None = strawberry.field(default=None, description="A sector or family code.")
    country: str | None = None
    region: str | None = strawberry.field(default=None, description="World region or province.")
    min_size: int | None = strawberry.field(default=None, description="Default 7.")
    max_size: int | None = strawberry.field(default=None, description="Default 10.")


@strawberry.type(description="The answer was recorded.")
class RespondToMatchSuccess:
    match: Match


@strawberry.type(description="The proposal was computed and kept.")
class ProposeFormationSuccess:
    proposal: FormationProposal


RespondToMatchResult = Annotated[
    RespondToMatchSuccess | NotFoundError | PermissionError | ConflictError | ValidationError,
    strawberry.union(
        "RespondToMatchResult", description="The match after the answer, or why it was refused."
    ),
]
ProposeFormationResult = Annotated[
    ProposeFormationSuccess | PermissionError | ValidationError,
    strawberry.union("ProposeFormationResult", description="The proposal, or why there is none."),
]

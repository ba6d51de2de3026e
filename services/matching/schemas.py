"""What matching's REST API takes and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class OrganizationProjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organization_id: uuid.UUID
    name: str
    kind: str
    country: str
    profile: dict
    source_event_id: str
    applied_at: datetime


class MatchType(StrEnum):
    partner = "partner"
    supplier = "supplier"
    inter_consortium = "inter_consortium"


class Response(StrEnum):
    accepted = "accepted"
    declined = "declined"


class MatchOut(BaseModel):
    """A match seen from one organization: ``counterpart_id`` is the other side."""

    id: uuid.UUID
    match_type: str
    organization_id: uuid.UUID
    counterpart_id: uuid.UUID
    supplier_id: uuid.UUID | None
    score: float
    reasons_es: list[str]
    reasons_en: list[str]
    status: str
    my_response: str
    their_response: str
    created_at: datetime

    @classmethod
    def seen_from(cls, m, organization_id: uuid.UUID) -> MatchOut:  # type: ignore[no-untyped-def]
        mine = organization_id == m.organization_a
        return cls(
            id=m.id,
            match_type=m.match_type,
            organization_id=organization_id,
            counterpart_id=m.organization_b if mine else m.organization_a,
            supplier_id=m.supplier_id,
            score=m.score,
            reasons_es=m.reasons_es,
            reasons_en=m.reasons_en,
            status=m.status,
            my_response=m.response_a if mine else m.response_b,
            their_response=m.response_b if mine else m.response_a,
            created_at=m.created_at,
        )


class RespondIn(BaseModel):
    organization_id: uuid.UUID = Field(description="The side the caller answers for.")
    response: Response


class FormationIn(BaseModel):
    """A pool by sector and country or region, or an explicit list of organizations."""

    organization_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)
    sector: str | None = Field(
        default=None, description="A sector or family code; a family includes its sectors."
    )
    country: str | None = Field(default=None, min_length=2, max_length=2)
    region: str | None = Field(default=None, max_length=60)
    min_size: int | None = Field(default=None, ge=2, le=50)
    max_size: int | None = Field(default=None, ge=2, le=50)


class PlacementOut(BaseModel):
    organization_id: uuid.UUID
    name: str
    fit: float
    explanation_es: str
    explanation_en: str


class GroupOut(BaseModel):
    cohesion: float
    members: list[PlacementOut]


class UnassignedOut(BaseModel):
    organization_id: uuid.UUID
    name: str
    reason_es: str
    reason_en: str


class FormationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    requested_by: uuid.UUID | None
    pool: dict
    groups: list[GroupOut]
    unassigned: list[UnassignedOut]
    created_at: datetime

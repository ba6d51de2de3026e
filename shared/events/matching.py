"""Events owned by matching: suggestions and introductions."""

from __future__ import annotations

from uuid import UUID

from shared.events.catalog import DomainEvent, event


@event("matching", "match", "found")
class MatchFound(DomainEvent):
    """A new suggestion above the alert threshold, emitted once per pair and match type."""

    match_id: UUID
    match_type: str  # partner | supplier | inter_consortium
    organization_id: UUID
    counterpart_id: UUID
    score: float
    reasons_es: list[str] = []
    reasons_en: list[str] = []
    countries: list[str] = []
    sectors: list[str] = []


@event("matching", "match", "responded")
class MatchResponded(DomainEvent):
    """One side accepted or declined a suggestion; kept for measuring quality."""

    match_id: UUID
    organization_id: UUID
    responded_by: UUID | None = None
    response: str  # accepted | declined


@event("matching", "introduction", "accepted")
class IntroductionAccepted(DomainEvent):
    """Both sides accepted: forum opens a private space for the pair, notifications tells both."""

    introduction_id: UUID
    match_id: UUID
    match_type: str
    organization_ids: list[UUID]
    user_ids: list[UUID] = []


@event("matching", "formation", "proposed")
class FormationProposed(DomainEvent):
    """A consortium-formation proposal was computed for a pool."""

    proposal_id: UUID
    requested_by: UUID | None = None
    group_count: int
    pool: dict = {}

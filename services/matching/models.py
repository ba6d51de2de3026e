"""Matching's tables: its own projection of directory's organizations, never directory's tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.messaging.consumer import processed_events_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)


class OrganizationProjection(Base):
    """What matching knows of an organization, as of the last directory event applied."""

    __tablename__ = "organization_projections"

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    source_event_id: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ConsortiumMembership(Base):
    """Which organizations are active members of which consortium (MemberJoined / MemberLeft)."""

    __tablename__ = "consortium_memberships"

    consortium_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(40), default="member")


class OrganizationManager(Base):
    """Who may answer for an organization (OrganizationManagerAdded / Removed, ConsortiumCreated)."""

    __tablename__ = "organization_managers"

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(40), default="manager")


class Match(Base):
    """One suggestion for a pair and a type; the pair is stored in a canonical order (a < b)."""

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("match_type", "organization_a", "organization_b", name="uq_match_pair_type"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    match_type: Mapped[str] = mapped_column(String(30))
    organization_a: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organization_b: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    score: Mapped[float] = mapped_column(Float, index=True)
    reasons_es: Mapped[list] = mapped_column(JSON, default=list)
    reasons_en: Mapped[list] = mapped_column(JSON, default=list)
    # open | introduced | declined | withdrawn (a profile change made the pair no longer fit)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    response_a: Mapped[str] = mapped_column(String(20), default="pending")
    response_b: Mapped[str] = mapped_column(String(20), default="pending")
    announced: Mapped[bool] = mapped_column(Boolean, default=False)  # MatchFound emitted
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MatchFeedback(Base):
    """Every answer ever given, kept for measuring the quality of suggestions."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    match_type: Mapped[str] = mapped_column(String(30))
    score: Mapped[float] = mapped_column(Float)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    response: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DeclinedPair(Base):
    """A pair one side declined: never suggested again, whatever the type."""

    __tablename__ = "declined_pairs"

    organization_a: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    organization_b: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    declined_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    declined_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Introduction(Base):
    """Both sides accepted: one introduction per match, whatever retries happen."""

    __tablename__ = "introductions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    match_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FormationProposal(Base):
    """A computed split of a pool into groups, kept so it can be read again and discussed."""

    __tablename__ = "formation_proposals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    pool: Mapped[dict] = mapped_column(JSON, default=dict)
    groups: Mapped[list] = mapped_column(JSON, default=list)
    unassigned: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrganizationTombstone(Base):
    """An organization that left: lets every replica's candidate index drop it too."""

    __tablename__ = "organization_tombstones"

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)

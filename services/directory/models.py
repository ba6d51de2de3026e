"""Directory's tables. Only directory reads or writes them; others learn of changes through events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.messaging.consumer import processed_events_table
from shared.outbox import outbox_table


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)


class Country(Base):
    __tablename__ = "countries"

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_es: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(40), default="other")


class Organization(Base):
    """Anyone in the network: an SME, consortium, agency, business association or regional body.

    Deleting is soft (``deleted_at``): people, memberships and officers still point at the row, and
    the folded name and tax id are released so the organization can register again.
    """

    __tablename__ = "organizations"
    __table_args__ = (
        UniqueConstraint("name_key", "country", name="uq_organization_name_country"),
        Index("ix_organizations_country_kind", "country", "kind"),
        Index("ix_organizations_size_class", "size_class"),
        Index("ix_organizations_country_name", "country", "name_key", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-folded name: "Café Ñandú" and "cafe nandu" are the same organization.
    name_key: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    # Null only for regional and international bodies, which belong to no one country.
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"))
    province: Mapped[str | None] = mapped_column(String(120), default=None)
    tax_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    value_chain_role: Mapped[str | None] = mapped_column(String(40), default=None)
    employees: Mapped[int | None] = mapped_column(Integer, default=None)
    size_class: Mapped[str | None] = mapped_column(String(10), default=None)
    export_status: Mapped[str | None] = mapped_column(String(20), default=None)
    target_markets: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    offers: Mapped[str] = mapped_column(Text, default="")
    seeks: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    member_count: Mapped[int | None] = mapped_column(Integer, default=None)
    founded_year: Mapped[int | None] = mapped_column(Integer, default=None)
    # Figures as the 2015 report states them (seeded organizations only).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    export_checkup_score: Mapped[int | None] = mapped_column(Integer, default=None)
    completeness: Mapped[int] = mapped_column(Integer, default=0)
    # Folded text of everything searchable; PostgreSQL indexes it as a generated tsvector column,
    # SQLite copies it into the organization_fts (FTS5) table.
    search_text: Mapped[str] = mapped_column(Text, default="")
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The seed row's fields as last applied (seeded organizations only): reloading an edited seed
    # applies what changed since, and nothing else.
    seed_values: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    # Set by profile changes only (not by check-ups): it is what staleness is measured from.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # The badge (pending | verified | rejected); the decisions live in organization_verifications.
    verification_status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")


class OrganizationTag(Base):
    """Multi-valued facets (sector, market) as rows, so search can filter and count them in SQL."""

    __tablename__ = "organization_tags"
    __table_args__ = (Index("ix_organization_tags_facet_value", "facet", "value", "organization_id"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)


class ExportCheckup(Base):
    """One filled Export Check-Up; every submission is kept, the newest is the organization's score."""

    __tablename__ = "export_checkups"
    __table_args__ = (Index("ix_export_checkups_org_time", "organization_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    questionnaire_version: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    dimension_scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    score: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class FinancingProgramme(Base):
    """The inventory of financing sources asked for by the meeting's Recommendation 2."""

    __tablename__ = "financing_programmes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    programme: Mapped[str] = mapped_column(String(300))
    institution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), default=None)
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"), default=None, index=True)
    instrument: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    instrument_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    eligible_es: Mapped[str] = mapped_column(Text, default="")
    eligible_en: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    source: Mapped[str | None] = mapped_column(String(200), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class Document(Base):
    """The knowledge base: the meeting's presentations, its conclusions and its recommendations."""

    __tablename__ = "documents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20), default="presentation", index=True)
    symbol: Mapped[str | None] = mapped_column(String(60), default=None)
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str | None] = mapped_column(String(200), default=None)
    presenter_role: Mapped[str | None] = mapped_column(Text, default=None)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), default=None)
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"), default=None, index=True)
    session: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    summary_es: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    text_es: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(String(200), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)


class Participant(Base):
    """A person who took part in the meeting. Contacts are real: ``members_only`` hides them."""

    __tablename__ = "participants"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(Text, default=None)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), default=None)
    country: Mapped[str | None] = mapped_column(ForeignKey("countries.iso2"), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    other_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(200), default=None)
    in_participant_list: Mapped[bool] = mapped_column(Boolean, default=True)
    members_only: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str | None] = mapped_column(String(200), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)

"""Directory's tables. Only directory reads or writes them; others learn of changes through events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("name_key", "country", name="uq_organization_name_country"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-folded name: "Café Ñandú" and "cafe nandu" are the same organization.
    name_key: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(ForeignKey("countries.iso2"))
    tax_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str | None] = mapped_column(String(300))
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

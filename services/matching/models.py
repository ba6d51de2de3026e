"""Matching's tables: its own projection of directory's organizations, never directory's tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

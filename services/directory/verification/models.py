"""Verification decisions, and which staleness each organization was already reminded of."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.directory.models import Base
from shared.db import UtcDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class OrganizationVerification(Base):
    """The latest decision on an organization; ``organizations.verification_status`` mirrors ``status``
    so that search facets and profile events see the badge without a join."""

    __tablename__ = "organization_verifications"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | verified | rejected
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    # The agency the deciding officer acted for: the badge says who vouches.
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now, onupdate=_now)


class StaleProfileReminder(Base):
    """The profile version (its ``updated_at``) an organization was last reminded about: one reminder
    per staleness period, however often the sweep runs or how many replicas run it."""

    __tablename__ = "stale_profile_reminders"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime())
    reminded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)

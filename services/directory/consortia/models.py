"""Which organizations belong to which consortium: invited, then active, then left."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.directory.models import Base
from shared.db import UtcDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class ConsortiumMembership(Base):
    """One row per (consortium, organization); leaving and re-joining reuse it, so history is its dates."""

    __tablename__ = "consortium_memberships"
    __table_args__ = (
        UniqueConstraint("consortium_id", "organization_id", name="uq_consortium_membership"),
        Index("ix_consortium_memberships_organization", "organization_id", "status"),
        Index("ix_consortium_memberships_consortium", "consortium_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    consortium_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="member")  # member | manager
    status: Mapped[str] = mapped_column(String(20), default="invited")  # invited | active | left
    invited_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now)
    joined_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_now, onupdate=_now)

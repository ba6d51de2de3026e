"""Online advisory: advisor profiles and the requests routed to them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.forum.models.base import Base, now
from shared.db import UtcDateTime


class Advisor(Base):
    __tablename__ = "advisors"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # agency_officer | expert
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Empty: answers for every country.
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    bio: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class AdvisoryRequest(Base):
    __tablename__ = "advisory_requests"
    __table_args__ = (Index("ix_advisory_status_created", "status", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    asker_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    topic: Mapped[str] = mapped_column(String(80))
    country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | claimed | answered | solved
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answer_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The agency the first answer came from, frozen then, for the response-time figures.
    answered_for_organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    accepted_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    # Advisors it was routed to when asked: 0 tells the asker nobody covers the topic and country yet.
    advisor_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AdvisoryRoute(Base):
    """Which advisors a request was routed to (their inbox)."""

    __tablename__ = "advisory_routes"
    __table_args__ = (Index("ix_advisory_routes_advisor", "advisor_id", "request_id"),)

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("advisory_requests.id", ondelete="CASCADE"), primary_key=True
    )
    advisor_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)

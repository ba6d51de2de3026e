"""Flags raised on posts, and how moderators resolved them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.forum.models.base import Base, now
from shared.db import UtcDateTime


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id", name="uq_flag_once"),
        Index("ix_flags_status_post", "status", "post_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(String(20))  # spam | off_topic | abusive
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | upheld | dismissed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

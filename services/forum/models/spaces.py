"""Spaces: public categories, and private spaces of a consortium or of an accepted introduction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.forum.models.base import Base, now
from shared.db import UtcDateTime


class Space(Base):
    __tablename__ = "spaces"
    __table_args__ = (Index("ix_spaces_kind_position", "kind", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))  # category | consortium | introduction
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    name_es: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=1000)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    consortium_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    introduction_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class SpaceMember(Base):
    """A person let into a private space by name (the consortium's manager, an introduction's users)."""

    __tablename__ = "space_members"
    __table_args__ = (Index("ix_space_members_user", "user_id"),)

    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class SpaceOrganization(Base):
    """An organization whose people may enter a private space (the consortium and its active members)."""

    __tablename__ = "space_organizations"
    __table_args__ = (Index("ix_space_organizations_org", "organization_id"),)

    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)

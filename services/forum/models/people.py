"""Projections of directory's people and organizations: just what the forum needs to decide access."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.forum.models.base import Base, now
from shared.db import UtcDateTime


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # What people type after "@": the folded display name without spaces, made unique.
    handle: Mapped[str] = mapped_column(String(80), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="es")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))


class OrganizationUser(Base):
    """A person's place in an organization (OrganizationManagerAdded/Removed)."""

    __tablename__ = "organization_users"
    __table_args__ = (Index("ix_organization_users_user", "user_id"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    role: Mapped[str] = mapped_column(String(20), default="manager")

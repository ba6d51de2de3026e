"""Threads, posts, their edit history, reactions, watch levels and read marks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.forum.models.base import Base, now
from shared.db import UtcDateTime

_Seq = BigInteger().with_variant(Integer(), "sqlite")


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_space_order", "space_id", "pinned", "last_post_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    space_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    # Who said it when nobody on the platform did: the seeded debates speak for the 2015 meeting.
    attributed_to: Mapped[str | None] = mapped_column(String(300))
    seed_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_advisory: Mapped[bool] = mapped_column(Boolean, default=False)
    solved: Mapped[bool] = mapped_column(Boolean, default=False)
    last_post_number: Mapped[int] = mapped_column(Integer, default=0)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    last_post_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "number", name="uq_post_number"),
        Index("ix_posts_author_hash", "author_id", "content_hash"),
        Index("ix_posts_created", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    reply_to_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    quote_post_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Folded (accent- and case-free) title + text: what full-text search indexes on both engines.
    search_text: Mapped[str] = mapped_column(Text, default="")
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_by: Mapped[str | None] = mapped_column(String(20))  # flags | moderator
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PostRevision(Base):
    """The text a post had before an edit."""

    __tablename__ = "post_revisions"

    seq: Mapped[int] = mapped_column(_Seq, primary_key=True, autoincrement=True)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    replaced_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class Reaction(Base):
    __tablename__ = "reactions"

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    emoji: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class Watch(Base):
    """A person's watch level for one thread or one space (muted, normal, watching)."""

    __tablename__ = "watches"
    __table_args__ = (Index("ix_watches_target", "target_kind", "target_id", "level"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # thread | space
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    level: Mapped[str] = mapped_column(String(10))


class ReadMark(Base):
    __tablename__ = "read_marks"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    last_read_number: Mapped[int] = mapped_column(Integer, default=0)

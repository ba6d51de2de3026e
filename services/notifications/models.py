"""Notifications's tables: recipients and what they asked for, the inbox, and the delivery queue."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.messaging.consumer import processed_events_table
from shared.outbox import outbox_table


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)


class Recipient(Base):
    """Who can be told: built from directory's events (e-mail only from UserContactChanged)."""

    __tablename__ = "recipients"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(2), default="es")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    organization_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now, onupdate=now)


class RecipientOrganization(Base):
    """Index of who acts for which organization, so a match finds its people without a scan."""

    __tablename__ = "recipient_organizations"

    organization_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class OrganizationView(Base):
    """Directory's public profile, as much as an alert needs to name it."""

    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)


class Preference(Base):
    __tablename__ = "preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2), default=None)
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # kind -> {"in_app": bool, "email": "off" | "immediate" | "daily" | "weekly"}; absent kinds use defaults.
    channels: Mapped[dict] = mapped_column(JSON, default=dict)
    digest_hour: Mapped[int] = mapped_column(Integer, default=8)  # UTC
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday
    last_daily_digest_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_weekly_digest_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class Subscription(Base):
    """A standing interest in a kind of event, narrowed by filters, with the channels to use."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_kind", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(60))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str] = mapped_column(String(10), default="off")
    webhook: Mapped[bool] = mapped_column(Boolean, default=False)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class Notification(Base):
    """One inbox entry; a burst of alerts of one kind folds into one entry (item_count)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "user_id", "created_at", "id"),
        Index("ix_notifications_unread", "user_id", "read_at"),
        Index("ix_notifications_group", "user_id", "group_key", "open_until"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    item_count: Mapped[int] = mapped_column(Integer, default=1)
    group_key: Mapped[str | None] = mapped_column(String(120), default=None)
    open_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class NotificationItem(Base):
    """The exactly-once guard: one row per recipient and source event, whatever the grouping."""

    __tablename__ = "notification_items"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class DigestEntry(Base):
    __tablename__ = "digest_entries"
    __table_args__ = (Index("ix_digest_pending", "user_id", "mode", "sent_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    mode: Mapped[str] = mapped_column(String(10))  # daily | weekly
    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)


class Delivery(Base):
    """The durable queue: one message to send by e-mail or webhook, worked until done or given up."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_endpoint", "endpoint_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(10))  # email | webhook
    # What makes it unique: a retried event can never queue the same message twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    # Webhooks: the Standard Webhooks message id (stable across retries) and event type.
    message_id: Mapped[str] = mapped_column(String(64), default=lambda: f"msg_{uuid.uuid4().hex}")
    event_type: Mapped[str] = mapped_column(String(60), default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|delivered|failed|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class DeliveryAttempt(Base):
    """The delivery log: every attempt with its status code or error."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (Index("ix_attempts_delivery", "delivery_id", "attempted_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None, index=True)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=now)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)


class ServiceSecret(Base):
    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))

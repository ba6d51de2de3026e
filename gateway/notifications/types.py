"""GraphQL types for notifications: the inbox, subscriptions, preferences and webhooks."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.errors import NotFoundError, PermissionError, ValidationError


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.enum(description="How a kind of notification reaches you by e-mail.")
class EmailMode(Enum):
    OFF = "off"
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


@strawberry.type(description="One inbox entry; a burst of alerts of one kind is one entry (`itemCount`).")
class Notification:
    id: strawberry.ID
    kind: str = strawberry.field(description="e.g. `match.found`, `forum.mention`, `advisory.answered`.")
    title: str
    body: str
    link: str | None
    item_count: int
    data: JSON | None
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None

    @strawberry.field
    def read(self) -> bool:
        return self.read_at is not None

    @staticmethod
    def from_row(row: dict[str, Any]) -> Notification:
        """From the REST shape (snake_case) or the live push (camelCase)."""
        return Notification(
            id=strawberry.ID(row["id"]),
            kind=row["kind"],
            title=row["title"],
            body=row.get("body", ""),
            link=row.get("link"),
            item_count=row.get("item_count", row.get("itemCount", 1)),
            data=row.get("data"),
            created_at=_dt(row.get("created_at") or row.get("createdAt")),  # type: ignore[arg-type]
            updated_at=_dt(row.get("updated_at") or row.get("updatedAt")),  # type: ignore[arg-type]
            read_at=_dt(row.get("read_at")),
        )


@strawberry.type(description="What a subscription lets through; an empty filter lets everything through.")
class SubscriptionFilters:
    countries: list[str] | None = None
    sectors: list[str] | None = None
    match_types: list[str] | None = None
    min_score: float | None = None
    organization_ids: list[str] | None = None
    space_ids: list[str] | None = strawberry.field(default=None, description="Forum categories or spaces.")
    thread_ids: list[str] | None = None
    topics: list[str] | None = None
    organization_kinds: list[str] | None = None


@strawberry.input(description="Filters of a subscription; those a kind does not understand are refused.")
class SubscriptionFiltersInput:
    countries: list[str] | None = None
    sectors: list[str] | None = None
    match_types: list[str] | None = None
    min_score: float | None = None
    organization_ids: list[str] | None = None
    space_ids: list[str] | None = None
    thread_ids: list[str] | None = None
    topics: list[str] | None = None
    organization_kinds: list[str] | None = None


@strawberry.type(description="A standing interest in a kind of event, with filters and channels.")
class NotificationSubscription:
    id: strawberry.ID
    kind: str
    filters: SubscriptionFilters
    in_app: bool
    email: EmailMode
    webhook: bool
    is_default: bool = strawberry.field(description="Given by your role; change or delete it freely.")
    created_at: datetime

    @staticmethod
    def from_row(row: dict[str, Any]) -> NotificationSubscription:
        filters = SubscriptionFilters(
            **{
                k: v
                for k, v in (row.get("filters") or {}).items()
                if k in SubscriptionFilters.__annotations__
            }
        )
        return NotificationSubscription(
            id=strawberry.ID(row["id"]),
            kind=row["kind"],
            filters=filters,
            in_app=row["in_app"],
            email=EmailMode(row["email"]),
            webhook=row["webhook"],
            is_default=row["is_default"],
            created_at=_dt(row["created_at"]),  # type: ignore[arg-type]
        )


@strawberry.input
class SubscribeInput:
    kind: str
    filters: SubscriptionFiltersInput | None = None
    in_app: bool = True
    email: EmailMode = EmailMode.OFF
    webhook: bool = False


@strawberry.input
class UpdateSubscriptionInput:
    filters: SubscriptionFiltersInput | None = None
    in_app: bool | None = None
    email: EmailMode | None = None
    webhook: bool | None = None


@strawberry.type(description="A kind of notification and what it can be filtered by.")
class NotificationKind:
    name: str
    subscribable: bool
    filters: list[str]
    default_in_app: bool
    default_email: EmailMode


@strawberry.type
class KindChannels:
    kind: str
    in_app: bool
    email: EmailMode
    webhook: bool


@strawberry.input
class KindChannelsInput:
    kind: str
    in_app: bool | None = None
    email: EmailMode | None = None
    webhook: bool | None = None


@strawberry.type(description="Language, channels per kind and the digest schedule (UTC).")
class NotificationPreferences:
    language: str
    email_enabled: bool
    digest_hour: int
    digest_weekday: int = strawberry.field(description="0 = Monday.")
    channels: list[KindChannels]

    @staticmethod
    def from_row(row: dict[str, Any]) -> NotificationPreferences:
        return NotificationPreferences(
            language=row["language"],
            email_enabled=row["email_enabled"],
            digest_hour=row["digest_hour"],
            digest_weekday=row["digest_weekday"],
            channels=[
                KindChannels(
                    kind=c["kind"], in_app=c["in_app"], email=EmailMode(c["email"]), webhook=c["webhook"]
                )
                for c in row["channels"]
            ],
        )


@strawberry.input
class UpdatePreferencesInput:
    language: str | None = None
    email_enabled: bool | None = None
    digest_hour: int | None = None
    digest_weekday: int | None = None
    channels: list[KindChannelsInput] | None = None


@strawberry.type(description="One attempt to deliver a webhook: its HTTP status or the error.")
class DeliveryAttempt:
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


@strawberry.type(description="One message to a webhook endpoint, with every attempt.")
class WebhookDelivery:
    id: strawberry.ID
    message_id: str = strawberry.field(description="The `webhook-id` header: the same on every retry.")
    event_type: str
    status: str = strawberry.field(description="pending, delivered, failed or cancelled.")
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[DeliveryAttempt]

    @staticmethod
    def from_row(row: dict[str, Any]) -> WebhookDelivery:
        return WebhookDelivery(
            id=strawberry.ID(row["id"]),
            message_id=row["message_id"],
            event_type=row["event_type"],
            status=row["status"],
            attempts=row["attempts"],
            next_attempt_at=_dt(row["next_attempt_at"]),  # type: ignore[arg-type]
            last_status_code=row["last_status_code"],
            last_error=row["last_error"],
            created_at=_dt(row["created_at"]),
            delivered_at=_dt(row["delivered_at"]),  # type: ignore[arg-type]
            log=[
                DeliveryAttempt(
                    attempted_at=_dt(a["attempted_at"]),
                    status_code=a["status_code"],  # type: ignore[arg-type]
                    error=a["error"],
                    duration_ms=a["duration_ms"],
                )
                for a in row.get("log", [])
            ],
        )


@strawberry.input
class WebhookEndpointInput:
    url: str
    kinds: list[str]
    description: str = ""


@strawberry.input
class UpdateWebhookEndpointInput:
    url: str | None = None
    kinds: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None
    rotate_secret: bool = False


@strawberry.type
class MarkReadResult:
    marked: int
    unread: int


@strawberry.type
class SubscriptionSuccess:
    subscription: NotificationSubscription


@strawberry.type
class Deleted:
    id: strawberry.ID


@strawberry.type
class PreferencesSuccess:
    preferences: NotificationPreferences


@strawberry.type
class WebhookDeliverySuccess:
    delivery: WebhookDelivery


SubscriptionResult = Annotated[
    SubscriptionSuccess | ValidationError | NotFoundError | PermissionError,
    strawberry.union("NotificationSubscriptionResult"),
]
DeleteResult = Annotated[
    Deleted | NotFoundError | PermissionError, strawberry.union("NotificationDeleteResult")
]
PreferencesResult = Annotated[
    PreferencesSuccess | ValidationError | PermissionError, strawberry.union("NotificationPreferencesResult")
]
DeliveryResult = Annotated[
    WebhookDeliverySuccess | NotFoundError | ValidationError | PermissionError,
    strawberry.union("WebhookDeliveryResult"),
]

"""What notifications's REST API accepts and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EmailMode = Literal["off", "immediate", "daily", "weekly"]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str | None
    data: dict
    item_count: int
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None


class IdsIn(BaseModel):
    ids: list[uuid.UUID] = Field(max_length=500)


class ReadOut(BaseModel):
    marked: int
    unread: int


class CountOut(BaseModel):
    count: int


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: list[str] | None = Field(default=None, max_length=60)
    sectors: list[str] | None = Field(default=None, max_length=60)
    match_types: list[str] | None = Field(default=None, max_length=5)
    min_score: float | None = None
    organization_ids: list[str] | None = Field(default=None, max_length=100)
    space_ids: list[str] | None = Field(default=None, max_length=100)
    thread_ids: list[str] | None = Field(default=None, max_length=100)
    topics: list[str] | None = Field(default=None, max_length=50)
    organization_kinds: list[str] | None = Field(default=None, max_length=10)


class SubscriptionIn(BaseModel):
    kind: str
    filters: Filters = Field(default_factory=Filters)
    in_app: bool = True
    email: EmailMode = "off"
    webhook: bool = False


class SubscriptionPatch(BaseModel):
    filters: Filters | None = None
    in_app: bool | None = None
    email: EmailMode | None = None
    webhook: bool | None = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    filters: dict
    in_app: bool
    email: str
    webhook: bool
    is_default: bool
    created_at: datetime


class KindChannels(BaseModel):
    kind: str
    in_app: bool | None = None
    email: EmailMode | None = None
    webhook: bool | None = None


class PreferencesPatch(BaseModel):
    language: Literal["es", "en"] | None = None
    email_enabled: bool | None = None
    digest_hour: int | None = Field(default=None, ge=0, le=23)
    digest_weekday: int | None = Field(default=None, ge=0, le=6)
    channels: list[KindChannels] | None = None


class PreferencesOut(BaseModel):
    language: str
    email_enabled: bool
    digest_hour: int
    digest_weekday: int
    channels: list[KindChannels]


class WebhookIn(BaseModel):
    url: str = Field(max_length=2000)
    kinds: list[str] = Field(min_length=1, max_length=30)
    description: str = Field(default="", max_length=300)


class WebhookPatch(BaseModel):
    url: str | None = Field(default=None, max_length=2000)
    kinds: list[str] | None = Field(default=None, min_length=1, max_length=30)
    description: str | None = Field(default=None, max_length=300)
    enabled: bool | None = None
    rotate_secret: bool = False


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    kinds: list[str]
    secret: str
    description: str
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    message_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut] = []


class KindOut(BaseModel):
    name: str
    subscribable: bool
    filters: list[str]
    default_in_app: bool
    default_email: str

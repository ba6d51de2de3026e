"""Events owned by notifications."""

from __future__ import annotations

from uuid import UUID

from shared.events.catalog import DomainEvent, event


@event("notifications", "webhook", "disabled")
class WebhookDisabled(DomainEvent):
    """A webhook endpoint was disabled after repeated failure or a 410; its owner is told."""

    endpoint_id: UUID
    owner_id: UUID
    reason: str

"""An endpoint's health: counting failures, disabling it, and telling its owner."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.config import NotificationsSettings
from services.notifications.effects import Hub
from services.notifications.fanout import Signal, fan_out
from services.notifications.models import WebhookEndpoint, outbox
from shared.events.notifications import WebhookDisabled
from shared.outbox import record


async def after_attempts(
    endpoint_id: uuid.UUID,
    outcomes: list[tuple[bool, bool, bool]],
    *,
    session: AsyncSession,
    hub: Hub,
    settings: NotificationsSettings,
) -> None:
    """Apply a batch's outcomes for one endpoint, in order: (ok, gone, given_up) per attempt."""
    for ok, gone, given_up in outcomes:
        await after_attempt(
            endpoint_id, ok=ok, gone=gone, given_up=given_up, session=session, hub=hub, settings=settings
        )


async def after_attempt(
    endpoint_id: uuid.UUID,
    *,
    ok: bool,
    gone: bool,
    given_up: bool,
    session: AsyncSession,
    hub: Hub,
    settings: NotificationsSettings,
) -> None:
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return
    if ok:
        endpoint.consecutive_failures = 0
        return
    endpoint.consecutive_failures += 1
    if gone:
        await disable(endpoint, "the receiver answered 410 Gone", session=session, hub=hub)
    elif given_up:
        await disable(
            endpoint, "a delivery failed on every attempt of the retry schedule", session=session, hub=hub
        )
    elif endpoint.consecutive_failures >= settings.webhook_disable_after_failures:
        await disable(
            endpoint, f"{endpoint.consecutive_failures} attempts in a row failed", session=session, hub=hub
        )


async def disable(endpoint: WebhookEndpoint, reason: str, *, session: AsyncSession, hub: Hub) -> None:
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    event_id = await record(
        session,
        outbox,
        WebhookDisabled(endpoint_id=endpoint.id, owner_id=endpoint.owner_id, reason=reason),
        subject=str(endpoint.id),
    )
    await fan_out(
        Signal(
            "webhook.disabled",
            event_id,
            {"endpoint_id": str(endpoint.id), "url": endpoint.url, "reason": reason},
            concerned={endpoint.owner_id},
        ),
        session=session,
        hub=hub,
    )

"""Webhook endpoints of agency CRMs: registration, changes, the delivery log, replay and a test ping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.config import NotificationsSettings
from services.notifications.kinds import KINDS, TRANSACTIONAL
from services.notifications.models import Delivery, DeliveryAttempt, WebhookEndpoint
from services.notifications.webhooks.guard import validate_url
from services.notifications.webhooks.sender import new_secret
from shared.errors import DomainError, NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor

PING = "webhook.ping"


def _kinds(kinds: list[str]) -> list[str]:
    bad = [k for k in kinds if k not in KINDS or k in TRANSACTIONAL]
    if bad:
        raise DomainError(
            "unknown_notification_kind",
            f"unknown kinds: {', '.join(bad)}",
            details={"kinds": bad, "allowed": sorted(set(KINDS) - TRANSACTIONAL)},
        )
    return sorted(set(kinds))


async def create_endpoint(
    *,
    session: AsyncSession,
    settings: NotificationsSettings,
    owner_id: uuid.UUID,
    url: str,
    kinds: list[str],
    description: str = "",
) -> WebhookEndpoint:
    url = await validate_url(url, allow_private=settings.webhook_allow_private)
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        owner_id=owner_id,
        url=url,
        kinds=_kinds(kinds),
        secret=new_secret(),
        description=description[:300],
        enabled=True,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint


async def get_endpoint(
    endpoint_id: uuid.UUID, *, session: AsyncSession, owner_id: uuid.UUID
) -> WebhookEndpoint:
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.owner_id != owner_id:
        raise NotFound("webhook endpoint", endpoint_id, code="webhook_not_found")
    return endpoint


async def list_endpoints(*, session: AsyncSession, owner_id: uuid.UUID) -> list[WebhookEndpoint]:
    query = (
        select(WebhookEndpoint)
        .where(WebhookEndpoint.owner_id == owner_id)
        .order_by(WebhookEndpoint.created_at)
    )
    return list((await session.execute(query)).scalars())


async def update_endpoint(
    endpoint_id: uuid.UUID,
    *,
    session: AsyncSession,
    settings: NotificationsSettings,
    owner_id: uuid.UUID,
    changes: dict[str, Any],
) -> WebhookEndpoint:
    endpoint = await get_endpoint(endpoint_id, session=session, owner_id=owner_id)
    if changes.get("url") is not None:
        endpoint.url = await validate_url(changes["url"], allow_private=settings.webhook_allow_private)
    if changes.get("kinds") is not None:
        endpoint.kinds = _kinds(changes["kinds"])
    if changes.get("description") is not None:
        endpoint.description = changes["description"][:300]
    if changes.get("enabled") is True and not endpoint.enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.consecutive_failures = True, None, 0
    elif changes.get("enabled") is False:
        endpoint.enabled, endpoint.disabled_reason = False, "disabled by its owner"
    if changes.get("rotate_secret"):
        endpoint.secret = new_secret()
    await session.flush()
    return endpoint


async def delete_endpoint(endpoint_id: uuid.UUID, *, session: AsyncSession, owner_id: uuid.UUID) -> None:
    await get_endpoint(endpoint_id, session=session, owner_id=owner_id)
    await session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))


async def list_deliveries(
    endpoint_id: uuid.UUID,
    *,
    session: AsyncSession,
    owner_id: uuid.UUID,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[tuple[Delivery, list[DeliveryAttempt]]], list[str], str | None]:
    await get_endpoint(endpoint_id, session=session, owner_id=owner_id)
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Delivery).where(Delivery.endpoint_id == endpoint_id)
    if (after := decode_cursor(cursor)) is not None:
        created, last = datetime.fromisoformat(after[0]), uuid.UUID(after[1])
        query = query.where(
            or_(Delivery.created_at < created, and_(Delivery.created_at == created, Delivery.id < last))
        )
    rows = list(
        (
            await session.execute(
                query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit + 1)
            )
        ).scalars()
    )
    more, rows = len(rows) > limit, rows[:limit]
    attempts: dict[uuid.UUID, list[DeliveryAttempt]] = {r.id: [] for r in rows}
    if rows:
        for a in (
            await session.execute(
                select(DeliveryAttempt)
                .where(DeliveryAttempt.delivery_id.in_(list(attempts)))
                .order_by(DeliveryAttempt.attempted_at)
            )
        ).scalars():
            attempts[a.delivery_id].append(a)
    cursors = [encode_cursor(r.created_at.isoformat(), str(r.id)) for r in rows]
    return [(r, attempts[r.id]) for r in rows], cursors, cursors[-1] if more else None


async def replay(delivery_id: uuid.UUID, *, session: AsyncSession, owner_id: uuid.UUID) -> Delivery:
    """Send a delivery again now, whatever became of it (same webhook-id, so receivers can dedupe)."""
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None or delivery.channel != "webhook" or delivery.user_id != owner_id:
        raise NotFound("delivery", delivery_id, code="delivery_not_found")
    endpoint = await get_endpoint(delivery.endpoint_id, session=session, owner_id=owner_id)  # type: ignore[arg-type]
    if not endpoint.enabled:
        raise DomainError(
            "conflict",
            "enable the endpoint before replaying to it",
            details={"endpoint_id": str(endpoint.id)},
        )
    delivery.status, delivery.next_attempt_at, delivery.attempts = "pending", datetime.now(UTC), 0
    await session.flush()
    return delivery


async def queue_ping(endpoint_id: uuid.UUID, *, session: AsyncSession, owner_id: uuid.UUID) -> Delivery:
    endpoint = await get_endpoint(endpoint_id, session=session, owner_id=owner_id)
    now = datetime.now(UTC)
    delivery = Delivery(
        id=uuid.uuid4(),
        channel="webhook",
        dedupe_key=f"ping:{uuid.uuid4()}",
        user_id=owner_id,
        endpoint_id=endpoint.id,
        event_type=PING,
        status="pending",
        attempts=0,
        payload={"data": {"endpoint_id": str(endpoint.id), "message": "ping"}, "created_at": now.isoformat()},
        # Sent at once by the caller; the queue picks it up only if that attempt never ran.
        next_attempt_at=now + timedelta(minutes=5),
        created_at=now,
    )
    session.add(delivery)
    await session.flush()
    return delivery

"""The loop that works the delivery queue: claim due rows, send them concurrently, record outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notifications import digests, queue
from services.notifications.config import NotificationsSettings
from services.notifications.effects import Hub
from services.notifications.email import messages
from services.notifications.email.tokens import load_secret
from services.notifications.email.transport import Mailer
from services.notifications.models import Delivery, DeliveryAttempt, WebhookEndpoint
from services.notifications.webhooks import lifecycle
from services.notifications.webhooks.sender import Outcome, body_of, send, webhook_client

log = logging.getLogger(__name__)


@dataclass
class Result:
    delivery: Delivery
    outcome: Outcome
    permanent: bool = False  # no point retrying
    cancelled: str | None = None  # nothing to send any more (endpoint disabled, address gone)


class DeliveryWorker:
    def __init__(
        self, *, hub: Hub, session_factory: async_sessionmaker[AsyncSession], settings: NotificationsSettings
    ) -> None:
        self.hub = hub
        self.settings = settings
        self._factory = session_factory
        self._mailer = Mailer(settings)
        self._http = webhook_client(
            allow_private=settings.webhook_allow_private, timeout_s=settings.webhook_timeout_s
        )
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._secret: str | None = None
        self._secret_lock = asyncio.Lock()
        self._next_digest = 0.0

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                worked = await self.work_once()
                if time.monotonic() >= self._next_digest:
                    self._next_digest = time.monotonic() + self.settings.digest_interval_s
                    async with self._factory() as session:
                        await digests.queue_due(session=session)
                        await session.commit()
                if worked >= self.settings.delivery_batch:
                    continue
            except Exception:
                log.exception("delivery cycle failed")
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.settings.delivery_poll_interval_s)
        await self._http.aclose()

    async def work_once(self) -> int:
        """Claim and send one batch; returns how many deliveries it worked."""
        async with self._factory() as session:
            claimed = await queue.claim(
                session, limit=self.settings.delivery_batch, lease_s=self.settings.delivery_lease_s
            )
            await session.commit()
        if not claimed:
            return 0
        endpoints = await self._endpoints({d.endpoint_id for d in claimed if d.endpoint_id})
        gate = asyncio.Semaphore(self.settings.delivery_concurrency)

        async def one(delivery: Delivery) -> Result:
            async with gate:
                if delivery.channel == "webhook":
                    return await self._webhook(delivery, endpoints.get(delivery.endpoint_id))
                return await self._email(delivery)

        results = await asyncio.gather(*(one(d) for d in claimed))
        async with self._factory() as session:
            await self._record(results, endpoints, session=session)
            await session.commit()
        return len(claimed)

    async def deliver_now(self, delivery_id: uuid.UUID) -> Delivery | None:
        """One attempt right away (the test ping, a replay): sent, logged, and returned as it now stands."""
        async with self._factory() as session:
            delivery = await session.get(Delivery, delivery_id)
            if delivery is None:
                return None
            delivery.next_attempt_at = datetime.now(UTC) + timedelta(seconds=self.settings.delivery_lease_s)
            await session.commit()
        endpoints = await self._endpoints({delivery.endpoint_id} if delivery.endpoint_id else set())
        if delivery.channel == "webhook":
            result = await self._webhook(delivery, endpoints.get(delivery.endpoint_id))  # type: ignore[arg-type]
        else:
            result = await self._email(delivery)
        async with self._factory() as session:
            await self._record([result], endpoints, session=session)
            await session.commit()
            return await session.get(Delivery, delivery_id)

    async def _endpoints(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, WebhookEndpoint]:
        if not ids:
            return {}
        async with self._factory() as session:
            rows = (
                await session.execute(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(ids)))
            ).scalars()
            return {e.id: e for e in rows}

    async def _webhook(self, delivery: Delivery, endpoint: WebhookEndpoint | None) -> Result:
        if endpoint is None or not endpoint.enabled:
            return Result(
                delivery, Outcome(False, error="endpoint disabled or deleted"), cancelled="endpoint disabled"
            )
        created = (
            queue.aware(datetime.fromisoformat(delivery.payload.get("created_at")))
            if delivery.payload.get("created_at")
            else queue.aware(delivery.created_at)
        )
        body = body_of(delivery.event_type, delivery.payload.get("data", {}), created or datetime.now(UTC))
        outcome = await send(
            self._http, url=endpoint.url, secret=endpoint.secret, message_id=delivery.message_id, body=body
        )
        return Result(delivery, outcome, permanent=outcome.gone)

    async def _email(self, delivery: Delivery) -> Result:
        if self._secret is None:
            async with self._secret_lock, self._factory() as session:
                if self._secret is None:
                    self._secret = await load_secret(
                        session=session, configured=self.settings.unsubscribe_secret
                    )
                    await session.commit()
        async with self._factory() as session:
            message = await messages.build(
                delivery, session=session, settings=self.settings, secret=self._secret
            )
        if message is None:
            return Result(delivery, Outcome(False, error="nothing to send"), cancelled="no recipient address")
        started = time.perf_counter()
        sent = await self._mailer.send(message)
        outcome = Outcome(
            sent.ok,
            250 if sent.ok else None,
            sent.error,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return Result(delivery, outcome, permanent=sent.permanent)

    async def _record(
        self, results: list[Result], endpoints: dict[uuid.UUID, WebhookEndpoint], *, session: AsyncSession
    ) -> None:
        now = datetime.now(UTC)
        s = self.settings
        rows = {
            d.id: d
            for d in (
                await session.execute(
                    select(Delivery).where(Delivery.id.in_([r.delivery.id for r in results]))
                )
            ).scalars()
        }
        attempts = []
        touched: dict[uuid.UUID, list[tuple[bool, bool, bool]]] = {}
        for r in results:
            d = rows.get(r.delivery.id)
            if d is None:
                continue
            if r.cancelled:
                d.status, d.last_error = "cancelled", r.cancelled
                continue
            d.attempts += 1
            d.last_status_code, d.last_error = r.outcome.status_code, r.outcome.error
            attempts.append(
                {
                    "id": uuid.uuid4(),
                    "delivery_id": d.id,
                    "endpoint_id": d.endpoint_id,
                    "attempted_at": now,
                    "status_code": r.outcome.status_code,
                    "error": r.outcome.error,
                    "duration_ms": r.outcome.duration_ms,
                }
            )
            if r.outcome.ok:
                d.status, d.delivered_at = "delivered", now
            else:
                schedule = s.webhook_retry_schedule_s if d.channel == "webhook" else s.email_retry_schedule_s
                delay = (
                    None
                    if r.permanent
                    else queue.next_delay(
                        schedule,
                        d.attempts,
                        jitter=s.webhook_jitter,
                        retry_after=r.outcome.retry_after_s,
                        retry_after_max=s.webhook_retry_after_max_s,
                    )
                )
                if delay is None:
                    d.status = "failed"
                else:
                    d.next_attempt_at = now + timedelta(seconds=delay)
            if d.channel == "webhook" and d.endpoint_id in endpoints:
                touched.setdefault(d.endpoint_id, []).append(
                    (r.outcome.ok, r.outcome.gone, d.status == "failed")
                )
        if attempts:
            await session.execute(insert(DeliveryAttempt), attempts)
        for endpoint_id, outcomes in touched.items():
            await lifecycle.after_attempts(endpoint_id, outcomes, session=session, hub=self.hub, settings=s)

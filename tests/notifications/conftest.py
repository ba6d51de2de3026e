"""Notifications under test: the app in process on real NATS, Redis and SQLite/PostgreSQL, events published
to JetStream exactly as the owning services' relays publish them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import pytest
from nats.aio.client import Client as NATS

from services.notifications.config import NotificationsSettings
from services.notifications.main import build_app
from shared.auth import Principal
from shared.events.catalog import DomainEvent
from shared.events.directory import OrganizationManagerAdded, UserContactChanged, UserRegistered
from tests.infra import eventually, serve_in_process


def notifications_settings(
    database_url: str, nats_url: str, redis_url: str, namespace: str, public_key: str, **extra: Any
) -> NotificationsSettings:
    values: dict[str, Any] = dict(
        database_url=database_url,
        nats_url=nats_url,
        redis_url=redis_url,
        namespace=namespace,
        jwt_public_key=public_key,
        outbox_poll_interval_s=0.2,
        consumer_ack_wait_s=5.0,
        consumer_backoff_s=[0.1, 0.2, 0.5, 1.0],
        delivery_poll_interval_s=0.1,
        webhook_retry_schedule_s=[0.2, 0.2, 0.2],
        email_retry_schedule_s=[0.2, 0.2],
        webhook_jitter=0.0,
    )
    values.update(extra)
    return NotificationsSettings(**values)


@dataclass
class Notifications:
    client: httpx.AsyncClient
    app: Any
    settings: NotificationsSettings
    nc: NATS
    issuer: Any

    def headers(self, user_id: uuid.UUID, *roles: str) -> dict[str, str]:
        token = self.issuer.access_token(Principal(user_id=user_id, roles=frozenset(roles)))
        return {"authorization": f"Bearer {token}"}

    async def publish(self, event: DomainEvent, *, event_id: str | None = None) -> str:
        """As the owner's outbox relay does: CloudEvent JSON, Nats-Msg-Id = event id."""
        envelope = event.envelope()
        if event_id:
            envelope.id = event_id
        js = self.nc.jetstream()
        await js.publish(
            self.settings.subject(event.spec.subject),
            envelope.to_json(),
            headers={"Nats-Msg-Id": envelope.id},
        )
        return envelope.id

    async def person(
        self,
        *roles: str,
        email: str | None = None,
        language: str = "es",
        organization_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        user_id = uuid.uuid4()
        await self.publish(
            UserRegistered(
                user_id=user_id,
                display_name=f"Persona {user_id.hex[:4]}",
                language=language,
                roles=list(roles),
            )
        )
        if email:
            await self.publish(UserContactChanged(user_id=user_id, email=email, language=language))
        if organization_id:
            await self.publish(OrganizationManagerAdded(organization_id=organization_id, user_id=user_id))
        return user_id

    async def settled(self, *sources: str, within: float = 15.0) -> None:
        """Wait until notifications has applied everything published so far from these streams."""
        js = self.nc.jetstream()

        async def drained() -> bool:
            for source in sources or ("directory", "matching", "forum"):
                durable = f"{self.settings.namespace}_notifications-from-{source}"
                try:
                    info = await js.consumer_info(self.settings.stream_name(source), durable)
                except Exception:
                    return False
                if info.num_pending or info.num_ack_pending:
                    return False
            return True

        await eventually(drained, timeout=within)

    async def inbox(self, user_id: uuid.UUID, **params: Any) -> dict[str, Any]:
        response = await self.client.get("/notifications", params=params, headers=self.headers(user_id))
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_for_inbox(
        self, user_id: uuid.UUID, count: int, within: float = 10.0
    ) -> list[dict[str, Any]]:
        async def enough():  # type: ignore[no-untyped-def]
            items = (await self.inbox(user_id, limit=200))["items"]
            return items if len(items) >= count else None

        return await eventually(enough, timeout=within)


@pytest.fixture
def notifications_overrides() -> dict[str, Any]:
    """Settings a test module changes (override this fixture, or parametrize `notifications` indirectly)."""
    return {}


@pytest.fixture
async def notifications(
    database_url,
    nats_server,
    redis_server,
    namespace,
    signing_keys,
    tmp_path,
    notifications_overrides,
    request,
) -> AsyncIterator[Notifications]:  # type: ignore[no-untyped-def]
    extra = {**notifications_overrides, **(getattr(request, "param", {}) or {})}
    settings = notifications_settings(
        database_url,
        nats_server.url,
        redis_server.url,
        namespace,
        signing_keys.public,
        mail_sink_dir=str(tmp_path / "mail"),
        **extra,
    )
    app = build_app(settings)
    nc = await nats.connect(nats_server.url)
    try:
        async with serve_in_process(app) as client:
            await eventually(lambda: _ready(client), timeout=20)
            yield Notifications(client, app, settings, nc, signing_keys.issuer)
    finally:
        await nc.close()


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200

"""Matching in process on real NATS, Redis and a real database; directory's events published by hand."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import pytest
from sqlalchemy import select

from services.matching.config import MatchingSettings
from services.matching.main import build_app
from services.matching.models import outbox
from shared.auth import Principal, TokenIssuer, generate_keypair
from shared.events.catalog import DomainEvent
from shared.events.directory import OrganizationManagerAdded, OrganizationRegistered
from shared.events.envelope import CloudEvent
from tests.infra import eventually, serve_in_process

KEYS = generate_keypair()
OFFICER = uuid.uuid4()


def matching_settings(
    database_url: str, nats_url: str, redis_url: str, namespace: str, **extra: Any
) -> MatchingSettings:
    return MatchingSettings(
        database_url=database_url,
        nats_url=nats_url,
        redis_url=redis_url,
        namespace=namespace,
        outbox_poll_interval_s=0.2,
        jwt_public_key=KEYS[1],
        alert_threshold=0.5,
        **extra,
    )


def sme(name: str, country: str = "EC", **profile: Any) -> OrganizationRegistered:
    base = {"kind": "sme", "size_class": "small", "export_checkup_score": 70, "target_markets": ["DE", "NL"]}
    return OrganizationRegistered(
        organization_id=uuid.uuid4(), name=name, country=country, **(base | profile)
    )


@dataclass
class Matching:
    client: httpx.AsyncClient
    app: Any
    settings: MatchingSettings
    js: Any
    issuer: TokenIssuer

    async def publish(self, event: DomainEvent, envelope: CloudEvent | None = None) -> CloudEvent:
        """As directory would: a CloudEvent on directory's stream (a repeated envelope is a redelivery)."""
        envelope = envelope or event.envelope()
        await self.js.publish(
            self.settings.subject(event.spec.subject),
            envelope.to_json(),
            headers={"Nats-Msg-Id": uuid.uuid4().hex},
        )
        return envelope

    async def register(self, event: OrganizationRegistered, manager: uuid.UUID | None = None) -> uuid.UUID:
        if manager is not None:
            await self.publish(
                OrganizationManagerAdded(organization_id=event.organization_id, user_id=manager)
            )
        await self.publish(event)
        await eventually(lambda: self._projected(event.organization_id))
        return event.organization_id

    async def _projected(self, organization_id: uuid.UUID) -> bool:
        return (await self.client.get(f"/read-model/organizations/{organization_id}")).status_code == 200

    async def matches(self, organization_id: uuid.UUID, **params: Any) -> dict:
        """As an agency officer (who may read any organization's suggestions)."""
        r = await self.client.get(
            f"/organizations/{organization_id}/matches",
            params=params,
            headers=self.auth(OFFICER, "agency_officer"),
        )
        assert r.status_code == 200, r.text
        return r.json()

    async def outbox_events(self, kind: str) -> list[dict]:
        import json

        async with self.app.state.runtime.session() as session:
            rows = await session.execute(select(outbox.c.payload).where(outbox.c.type.like(f"%{kind}%")))
            return [json.loads(p)["data"] for p in rows.scalars()]

    def auth(self, user_id: uuid.UUID, *roles: str) -> dict[str, str]:
        token = self.issuer.access_token(Principal(user_id=user_id, roles=frozenset(roles or ("member",))))
        return {"authorization": f"Bearer {token}"}


@pytest.fixture
async def matching(database_url, nats_server, redis_server, namespace) -> AsyncIterator[Matching]:  # type: ignore[no-untyped-def]
    settings = matching_settings(database_url, nats_server.url, redis_server.url, namespace)
    app = build_app(settings)
    nc = await nats.connect(nats_server.url)
    try:
        async with serve_in_process(app) as client:
            await eventually(lambda: _ready(client), timeout=15)
            yield Matching(client, app, settings, nc.jetstream(), TokenIssuer(KEYS[0]))
    finally:
        await nc.close()


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200

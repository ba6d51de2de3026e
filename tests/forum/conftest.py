"""Forum in process on a real database, NATS and Redis; people and memberships arrive as real events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import nats
import pytest
from sqlalchemy import select

from services.forum.config import ForumSettings
from services.forum.main import build_app
from services.forum.models import outbox, processed_events
from shared.auth import Principal, TokenIssuer, generate_keypair
from shared.events.catalog import DomainEvent
from shared.events.directory import UserRegistered
from tests.infra import (
    create_pg_database,
    drop_pg_database,
    eventually,
    serve_in_process,
    unique_namespace,
)


@pytest.fixture(scope="session")
def keypair() -> tuple[str, str]:
    return generate_keypair()


@dataclass
class Person:
    user_id: uuid.UUID
    name: str
    roles: frozenset[str]
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


@dataclass
class ForumHarness:
    client: httpx.AsyncClient
    app: object
    settings: ForumSettings
    issuer: TokenIssuer
    people: list[Person] = field(default_factory=list)

    def person(self, name: str, *roles: str) -> Person:
        principal = Principal(user_id=uuid.uuid4(), roles=frozenset(roles or ("member",)), display_name=name)
        person = Person(principal.user_id, name, principal.roles, self.issuer.access_token(principal))
        self.people.append(person)
        return person

    async def register(self, name: str, *roles: str) -> Person:
        """A person as directory announces them (their account then counts as registered now)."""
        person = self.person(name, *roles)
        await self.deliver(
            UserRegistered(user_id=person.user_id, display_name=name, roles=sorted(person.roles))
        )
        return person

    async def deliver(self, event: DomainEvent) -> None:
        """Publish an event on its owner's stream and wait until forum applied it."""
        runtime = self.app.state.runtime  # type: ignore[attr-defined]
        await eventually(lambda: _ready(runtime), timeout=15)
        envelope = event.envelope()
        nc = await nats.connect(self.settings.nats_url)
        try:
            await nc.jetstream().publish(
                self.settings.subject(event.spec.subject),
                envelope.to_json(),
                headers={"Nats-Msg-Id": envelope.id},
            )
        finally:
            await nc.close()

        async def applied() -> bool:
            async with runtime.session_factory() as session:
                query = select(processed_events.c.event_id).where(processed_events.c.event_id == envelope.id)
                return (await session.execute(query)).first() is not None

        await eventually(applied, timeout=15)

    async def events(self, type_suffix: str) -> list[dict]:
        """Payloads of this service's outbox rows whose type contains the suffix (e.g. 'post.created')."""
        import json

        runtime = self.app.state.runtime  # type: ignore[attr-defined]
        async with runtime.session_factory() as session:
            rows = (
                await session.execute(select(outbox.c.type, outbox.c.payload).order_by(outbox.c.seq))
            ).all()
        return [json.loads(r.payload)["data"] for r in rows if f".{type_suffix}." in r.type]

    async def spaces(self, who: Person | None = None, **params) -> list[dict]:  # type: ignore[no-untyped-def]
        """Every space `who` may read, page after page."""
        out, cursor = [], None
        while True:
            page = await self.ok(
                "GET", "/spaces", who, params=params | ({"cursor": cursor} if cursor else {})
            )
            out += page["items"]
            if not (cursor := page["next_cursor"]):
                return out

    async def space(self, slug: str, who: Person | None = None) -> dict:
        return next(s for s in await self.spaces(who) if s["slug"] == slug)

    async def call(self, method: str, path: str, who: Person | None = None, **kwargs):  # type: ignore[no-untyped-def]
        headers = who.headers if who else {}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def ok(self, method: str, path: str, who: Person | None = None, **kwargs):  # type: ignore[no-untyped-def]
        response = await self.call(method, path, who, **kwargs)
        assert response.is_success, (response.status_code, response.text)
        return response.json()


async def _ready(runtime) -> bool:  # type: ignore[no-untyped-def]
    return runtime.broker_ready.is_set()


def forum_settings(
    database_url: str, nats_url: str, redis_url: str, namespace: str, public_key: str, **extra
) -> ForumSettings:  # type: ignore[no-untyped-def]
    return ForumSettings(
        database_url=database_url,
        nats_url=nats_url,
        redis_url=redis_url,
        namespace=namespace,
        jwt_public_key=public_key,
        outbox_poll_interval_s=0.2,
        seed_on_start=True,
        **extra,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def forum_database(request, tmp_path_factory) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """One database per test module on each engine: forum's tests isolate their data by creating their
    own people, threads and spaces, so they share the (slow to start) service within a module."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('forum') / 'forum.db'}"
        return
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture(scope="module")
def forum_overrides() -> dict:
    """Settings a test module wants changed (override this fixture in the module)."""
    return {}


@pytest.fixture(scope="module")
async def forum(
    forum_database, nats_server, redis_server, keypair, forum_overrides
) -> AsyncIterator[ForumHarness]:  # type: ignore[no-untyped-def]
    private, public = keypair
    settings = forum_settings(
        forum_database, nats_server.url, redis_server.url, unique_namespace(), public, **forum_overrides
    )
    app = build_app(settings)
    async with serve_in_process(app) as client:
        yield ForumHarness(client=client, app=app, settings=settings, issuer=TokenIssuer(private))

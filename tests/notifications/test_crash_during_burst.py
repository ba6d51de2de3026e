"""Proof: kill the notifications process (SIGKILL) during a burst of 1,000 matches; after a restart
every recipient has each alert exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import nats
from sqlalchemy import func, select

from services.notifications.models import Notification, NotificationItem
from shared.auth import Principal
from shared.db import create_engine
from shared.events.directory import OrganizationManagerAdded, UserRegistered
from shared.events.matching import MatchFound
from tests.infra import eventually, free_port

BURST = 1000


class Process:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "services.notifications.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)

    async def ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError("notifications exited:\n" + self.log.read_text()[-3000:])
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(self.url + "/readyz", timeout=1)).status_code == 200
        except httpx.HTTPError:
            return False


async def test_a_killed_service_restarts_and_every_recipient_has_each_alert_exactly_once(
    database_url, nats_server, redis_server, namespace, signing_keys, tmp_path
):
    env = os.environ | {
        "CONSORCIA_NOTIFICATIONS_DATABASE_URL": database_url,
        "CONSORCIA_NOTIFICATIONS_NATS_URL": nats_server.url,
        "CONSORCIA_NOTIFICATIONS_REDIS_URL": redis_server.url,
        "CONSORCIA_NOTIFICATIONS_NAMESPACE": namespace,
        "CONSORCIA_NOTIFICATIONS_JWT_PUBLIC_KEY": signing_keys.public,
        "CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR": str(tmp_path / "mail"),
        "CONSORCIA_NOTIFICATIONS_CONSUMER_ACK_WAIT_S": "3",
        "CONSORCIA_NOTIFICATIONS_LOG_LEVEL": "WARNING",
    }
    service = Process(env, tmp_path / "notifications.log")
    service.start()
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    engine = create_engine(database_url)

    async def publish(event) -> str:  # type: ignore[no-untyped-def]
        envelope = event.envelope()
        subject = f"{namespace}.{event.spec.subject}"
        await js.publish(subject, envelope.to_json(), headers={"Nats-Msg-Id": envelope.id})
        return envelope.id

    async def items_of(user: uuid.UUID) -> tuple[int, int, int]:
        """(items, distinct events, sum of grouped counts) for one recipient."""
        async with engine.connect() as conn:
            items, distinct = (
                await conn.execute(
                    select(func.count(), func.count(NotificationItem.event_id.distinct())).where(
                        NotificationItem.user_id == user
                    )
                )
            ).one()
            counted = (
                await conn.execute(
                    select(func.coalesce(func.sum(Notification.item_count), 0)).where(
                        Notification.user_id == user
                    )
                )
            ).scalar_one()
        return items, distinct, counted

    try:
        await eventually(service.ready, timeout=30)
        officers = [uuid.uuid4() for _ in range(3)]
        sme, owner = uuid.uuid4(), uuid.uuid4()
        for user in officers:
            await publish(UserRegistered(user_id=user, display_name="Oficial", roles=["agency_officer"]))
        await publish(UserRegistered(user_id=owner, display_name="Dueña", roles=["member"]))
        await publish(OrganizationManagerAdded(organization_id=sme, user_id=owner))
        async with httpx.AsyncClient(base_url=service.url) as client:
            for user in officers:
                token = signing_keys.issuer.access_token(
                    Principal(user_id=user, roles=frozenset({"agency_officer"}))
                )
                r = await client.post(
                    "/subscriptions",
                    headers={"authorization": f"Bearer {token}"},
                    json={"kind": "match.found", "filters": {"countries": ["CR"]}},
                )
                assert r.status_code == 201, r.text
        await eventually(lambda: _has_owner(engine, owner), timeout=15)

        matches = [
            MatchFound(
                match_id=uuid.uuid4(),
                match_type="partner",
                organization_id=sme if i % 2 == 0 else uuid.uuid4(),
                counterpart_id=uuid.uuid4(),
                score=0.8,
                countries=["CR"],
                sectors=["cacao"],
            )
            for i in range(BURST)
        ]

        async def burst() -> list[str]:
            return [await publish(m) for m in matches]

        publishing = asyncio.create_task(burst())
        # Kill it mid-flight: some alerts are in, most are still to come.
        await eventually(lambda: _at_least(items_of, officers[0], 50), timeout=30, interval=0.01)
        service.kill()
        killed_at = (await items_of(officers[0]))[0]
        event_ids = await publishing
        assert killed_at < BURST, "the burst finished before the kill; the proof proves nothing"

        service.start()
        await eventually(service.ready, timeout=30)
        expected = {officer: BURST for officer in officers} | {owner: BURST // 2}
        for user, count in expected.items():
            await eventually(lambda u=user, c=count: _at_least(items_of, u, c), timeout=60, interval=0.2)
        await asyncio.sleep(1.0)  # let any late redelivery land, then count again
        for user, count in expected.items():
            assert await items_of(user) == (count, count, count), user
        async with engine.connect() as conn:
            seen = set(
                (
                    await conn.execute(
                        select(NotificationItem.event_id).where(NotificationItem.user_id == officers[0])
                    )
                ).scalars()
            )
        assert seen == set(event_ids)
    finally:
        service.stop()
        await nc.close()
        await engine.dispose()


async def _at_least(items_of, user, count) -> bool:  # type: ignore[no-untyped-def]
    return (await items_of(user))[0] >= count


async def _has_owner(engine, owner) -> bool:  # type: ignore[no-untyped-def]
    from services.notifications.models import RecipientOrganization

    async with engine.connect() as conn:
        return bool(
            (
                await conn.execute(select(func.count()).where(RecipientOrganization.user_id == owner))
            ).scalar_one()
        )

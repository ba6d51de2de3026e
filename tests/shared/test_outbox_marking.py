"""On SQLite the relay marks rows sent beside publishing: every row is published once and marked soon after."""

from __future__ import annotations

import asyncio
import uuid

from shared import metrics
from shared.db import unit_of_work
from shared.outbox import OutboxRelay, record
from tests.infra import eventually
from tests.shared.harness import ProbeHappened, outbox, probe


async def test_rows_beyond_one_batch_are_each_published_once_and_all_marked_sent(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace, outbox_batch=50) as p:
        service = f"marking-{uuid.uuid4().hex[:6]}"
        relay = OutboxRelay(
            session_factory=p.factory, table=outbox, js=p.js, settings=p.settings, service=service
        )
        for chunk in range(4):
            async with unit_of_work(p.factory) as session:
                for i in range(60):
                    await record(session, outbox, ProbeHappened(label=f"{chunk}-{i}"))
        task = asyncio.create_task(relay.run())
        await eventually(lambda: _all_marked(p), timeout=15)
        relay.stop()
        await task
        messages = await p.stream_messages()
        assert len(messages) == len({m.headers["Nats-Msg-Id"] for m in messages}) == 240
        # Acknowledged publishes, counted by the relay: none of the 240 rows went out twice.
        assert metrics.OUTBOX_PUBLISHED.labels(service)._value.get() == 240


async def _all_marked(p) -> bool:  # type: ignore[no-untyped-def]
    return await p.unpublished() == 0

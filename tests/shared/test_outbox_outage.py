"""A broker outage is reported once when it starts and once when it ends, not on every relay cycle."""

from __future__ import annotations

import asyncio
import logging

from shared.db import unit_of_work
from shared.messaging.jetstream import connect
from shared.outbox import OutboxRelay, record
from tests.infra import NatsServer, eventually
from tests.shared.harness import ProbeHappened, outbox, probe


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_relay_reports_an_outage_once_and_publishes_soon_after_the_broker_returns(
    database_url, namespace, tmp_path
):
    broker = NatsServer(tmp_path / "nats")
    broker.start()
    seen, logger = _Records(), logging.getLogger("shared.outbox")
    level = logger.level
    logger.addHandler(seen)
    logger.setLevel(logging.INFO)
    try:
        async with probe(database_url, broker.url, namespace) as p:
            nc = await connect(p.settings, name="relay-outage")
            relay = OutboxRelay(
                session_factory=p.factory,
                table=outbox,
                js=nc.jetstream(),
                settings=p.settings,
                service="toolkit",
                publish_timeout_s=0.3,
            )
            task = asyncio.create_task(relay.run())
            broker.stop()
            for i in range(3):
                async with unit_of_work(p.factory) as session:
                    await record(session, outbox, ProbeHappened(label=f"during-{i}"))
                relay.wake()
            await asyncio.sleep(3)  # several failed cycles (0.3 s publish timeout + 0.2 s tick)
            broker.start()
            await eventually(lambda: _drained(p), timeout=10)
            relay.stop()
            await task
            await nc.close()
            assert len(await p.stream_messages()) == 3
    finally:
        logger.removeHandler(seen)
        logger.setLevel(level)
        broker.stop()
    # Only this test's relay: another test's relay in this process may be reporting its own outage.
    mine = [r for r in seen.records if getattr(r, "namespace", None) == namespace]
    warnings = [r.getMessage() for r in mine if r.levelno >= logging.WARNING]
    assert warnings == ["outbox publish failing; will keep retrying"]
    assert [r.getMessage() for r in mine if r.levelno == logging.INFO] == ["outbox publish recovered"]


async def _drained(p) -> bool:  # type: ignore[no-untyped-def]
    return await p.unpublished() == 0

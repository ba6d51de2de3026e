"""The outbox and its relay, on SQLite and PostgreSQL, against a real JetStream."""

from __future__ import annotations

import asyncio
import json
import time

from cloudevents.core.formats.json import JSONFormat

from shared.db import create_session_factory, unit_of_work
from shared.outbox import OutboxRelay, record
from tests.infra import eventually
from tests.shared.harness import ProbeHappened, new_label, outbox, probe


def _relay(p, factory=None) -> OutboxRelay:  # type: ignore[no-untyped-def]
    return OutboxRelay(
        session_factory=factory or p.factory, table=outbox, js=p.js, settings=p.settings, service="toolkit"
    )


async def test_event_is_published_right_after_commit_with_its_id_as_msg_id(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace, outbox_poll_interval_s=30) as p:
        relay = _relay(p)
        # A factory wired like a service's: a commit carrying events wakes the relay.
        p.factory = create_session_factory(p.engine, after_outbox_commit=relay.wake)
        relay._factory = p.factory
        task = asyncio.create_task(relay.run())
        await asyncio.sleep(0.1)  # the relay's first, empty cycle is over; it now sleeps 30 s
        started = time.monotonic()
        async with unit_of_work(p.factory) as session:
            event_id = await record(session, outbox, ProbeHappened(label="after-commit"), subject="probe-1")
        messages = await eventually(p.stream_messages, timeout=5)
        assert time.monotonic() - started < 2, "published by the commit hook, not by the 30 s tick"
        relay.stop()
        await task
        assert len(messages) == 1
        assert messages[0].headers["Nats-Msg-Id"] == event_id
        assert messages[0].subject == f"{namespace}.toolkit.probe.happened"
        assert await p.unpublished() == 0


async def test_published_events_are_readable_with_the_cloudevents_sdk(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        async with unit_of_work(p.factory) as session:
            event_id = await record(session, outbox, ProbeHappened(label="sdk"), subject="probe-2")
        assert await _relay(p).publish_batch() == 1
        [message] = await p.stream_messages()
        # The SDK validates the required, optional and extension attributes as it reads.
        parsed = JSONFormat().read(None, message.data)
        assert parsed.get_specversion() == "1.0"
        assert parsed.get_id() == event_id
        assert parsed.get_type() == "org.consorcia.toolkit.probe.happened.v1"
        assert parsed.get_source() == "/consorcia/toolkit"
        assert parsed.get_subject() == "probe-2"
        assert parsed.get_extension("correlationid") is None or isinstance(
            parsed.get_extension("correlationid"), str
        )
        assert parsed.get_data() == {"label": "sdk"}


async def test_rolled_back_transaction_publishes_nothing(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        try:
            async with unit_of_work(p.factory) as session:
                await record(session, outbox, ProbeHappened(label="never"))
                raise RuntimeError("use case failed after recording")
        except RuntimeError:
            pass
        assert await _relay(p).publish_batch() == 0
        assert await p.unpublished() == 0


async def test_relay_publishes_in_commit_order(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace, outbox_batch=50) as p:
        labels = [f"n{i:03d}" for i in range(120)]
        for label in labels:
            async with unit_of_work(p.factory) as session:
                await record(session, outbox, ProbeHappened(label=label))
        relay = _relay(p)
        while await relay.publish_batch():
            pass
        published = [json.loads(m.data)["data"]["label"] for m in await p.stream_messages()]
        assert published == labels


async def test_two_relays_publish_each_row_exactly_once(database_url, nats_server, namespace):
    """Proof (d): two replicas share one outbox; every row reaches the stream once."""
    async with probe(database_url, nats_server.url, namespace, outbox_batch=25) as p:
        async with unit_of_work(p.factory) as session:
            for _ in range(300):
                await record(session, outbox, ProbeHappened(label=new_label()))
        # Two engines: two replicas do not share a connection pool.
        from shared.db import create_engine

        other_engine = create_engine(str(p.engine.url.render_as_string(hide_password=False)))
        relays = [_relay(p), _relay(p, create_session_factory(other_engine))]

        async def drain(relay: OutboxRelay) -> int:
            total = 0
            while n := await relay.publish_batch():
                total += n
            return total

        counts = await asyncio.gather(*(drain(r) for r in relays))
        await other_engine.dispose()
        messages = await p.stream_messages()
        ids = [m.headers["Nats-Msg-Id"] for m in messages]
        assert len(ids) == 300 and len(set(ids)) == 300
        assert await p.unpublished() == 0
        if p.engine.dialect.name == "postgresql":
            # FOR UPDATE SKIP LOCKED: the replicas claimed disjoint rows, not just deduplicated ones.
            assert sum(counts) == 300

"""The durable consumer runner: ack after commit, idempotence, bounded retries, dead letters."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

from sqlalchemy import insert

from shared.messaging.consumer import EventConsumer, HandlerRegistry
from shared.messaging.jetstream import DEAD_LETTER, stream_config
from tests.infra import eventually
from tests.shared.harness import ProbeHappened, applied, probe, processed


def _registry(fail_labels: set[str] | None = None, attempts: dict[str, int] | None = None) -> HandlerRegistry:
    registry = HandlerRegistry()

    @registry.on(ProbeHappened)
    async def apply(event: ProbeHappened, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
        if attempts is not None:
            attempts[event.label] = attempts.get(event.label, 0) + 1
        await session.execute(insert(applied).values(event_id=envelope.id, label=event.label))
        if fail_labels and event.label in fail_labels:
            raise RuntimeError(f"cannot apply {event.label}")

    return registry


@asynccontextmanager
async def running(p, registry):  # type: ignore[no-untyped-def]
    consumer = EventConsumer(
        js=p.js,
        settings=p.settings,
        service="probe",
        source="toolkit",
        registry=registry,
        session_factory=p.factory,
        processed=processed,
    )
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    try:
        yield consumer
    finally:
        consumer.stop()
        await task


async def _publish(p, label: str, *, event_id: str | None = None, msg_id: bool = True) -> str:  # type: ignore[no-untyped-def]
    envelope = ProbeHappened(label=label).envelope()
    if event_id:
        envelope.id = event_id
    headers = {"Nats-Msg-Id": envelope.id} if msg_id else None
    await p.js.publish(p.settings.subject("toolkit.probe.happened"), envelope.to_json(), headers=headers)
    return envelope.id


async def test_event_delivered_twice_is_applied_once(database_url, nats_server, namespace):
    """Proof (c): a duplicate past the broker's dedupe (no Msg-Id, or after the window) changes nothing."""
    async with probe(database_url, nats_server.url, namespace) as p:
        event_id = await _publish(p, "once", msg_id=False)
        await _publish(p, "once", event_id=event_id, msg_id=False)
        await _publish(p, "after")
        async with running(p, _registry()):
            labels = await eventually(lambda: _labels_including(p, "after"))
        assert labels == ["once", "after"]


async def test_failing_handler_is_retried_then_dead_lettered_while_others_flow(
    database_url, nats_server, namespace
):
    """Proof (b): bounded redelivery with backoff, then the dead-letter stream keeps the reason."""
    async with probe(database_url, nats_server.url, namespace, consumer_max_deliver=3) as p:
        attempts: dict[str, int] = {}
        await _publish(p, "poison")
        for i in range(5):
            await _publish(p, f"good-{i}")
        async with running(p, _registry(fail_labels={"poison"}, attempts=attempts)):
            await eventually(lambda: _labels_including(p, "good-4"))
            dead = await eventually(lambda: _dead_letters(p), timeout=15)
        assert attempts["poison"] == 3
        assert await p.applied_labels() == [f"good-{i}" for i in range(5)]  # the failures rolled back
        [letter] = dead
        assert "RuntimeError: cannot apply poison" in letter.headers["Consorcia-Reason"]
        assert letter.headers["Consorcia-Attempts"] == "3"
        assert json.loads(letter.data)["data"] == {"label": "poison"}


async def test_undecodable_message_is_dead_lettered_without_retries(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        await p.js.publish(p.settings.subject("toolkit.probe.happened"), b"{not json")
        await _publish(p, "fine")
        async with running(p, _registry()):
            await eventually(lambda: _labels_including(p, "fine"))
            [letter] = await eventually(lambda: _dead_letters(p))
        assert letter.headers["Consorcia-Reason"].startswith("undecodable")
        assert letter.headers["Consorcia-Attempts"] == "1"


async def test_consumer_resumes_where_it_stopped(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        await _publish(p, "first")
        async with running(p, _registry()):
            await eventually(lambda: _labels_including(p, "first"))
        await _publish(p, "second")
        async with running(p, _registry()):
            await eventually(lambda: _labels_including(p, "second"))
        assert await p.applied_labels() == ["first", "second"]


async def _labels_including(p, label: str):  # type: ignore[no-untyped-def]
    labels = await p.applied_labels()
    return labels if label in labels else None


async def _dead_letters(p):  # type: ignore[no-untyped-def]
    name = stream_config(p.settings, DEAD_LETTER).name
    info = await p.js.stream_info(name)
    if not info.state.messages:
        return None
    return [await p.js.get_msg(name, s) for s in range(info.state.first_seq, info.state.last_seq + 1)]


async def test_processed_ids_are_pruned_only_after_their_retention(database_url, nats_server, namespace):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    async with probe(database_url, nats_server.url, namespace) as p:
        async with running(p, _registry()) as consumer:
            pass
        now = datetime.now(UTC)
        async with p.factory() as session:
            old = now - timedelta(seconds=p.settings.processed_retention_s + 60)
            await session.execute(
                insert(processed).values(
                    [
                        {"consumer": consumer.durable, "event_id": "old", "processed_at": old},
                        {"consumer": consumer.durable, "event_id": "recent", "processed_at": now},
                        {"consumer": "someone-else", "event_id": "old", "processed_at": old},
                    ]
                )
            )
            await session.commit()
        assert await consumer.prune_processed() == 1
        async with p.factory() as session:
            left = (await session.execute(select(func.count()).select_from(processed))).scalar_one()
        assert left == 2

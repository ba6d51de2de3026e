"""The consumer applies a fetched batch in one transaction, and narrows a failure down to its message."""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import asynccontextmanager

from sqlalchemy import func, insert, select

from shared.messaging.consumer import EventConsumer, HandlerRegistry
from tests.infra import eventually
from tests.shared.harness import ProbeHappened, applied, processed
from tests.shared.test_consumer import _dead_letters, _labels_including, _publish, probe, running


@asynccontextmanager
async def running_with_budget(p, registry, budget_s: float):  # type: ignore[no-untyped-def]
    consumer = EventConsumer(
        js=p.js,
        settings=p.settings,
        service="probe",
        source="toolkit",
        registry=registry,
        session_factory=p.factory,
        processed=processed,
        transaction_budget_s=budget_s,
    )
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    try:
        yield consumer
    finally:
        consumer.stop()
        await task


def _recording_registry(
    sessions: list[str], attempts: dict[str, int], fail: set[str], pause_s: float = 0.0
) -> HandlerRegistry:
    registry = HandlerRegistry()

    @registry.on(ProbeHappened)
    async def apply(event: ProbeHappened, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
        sessions.append(session.info.setdefault("transaction", uuid.uuid4().hex))
        if pause_s:
            await asyncio.sleep(pause_s)
        attempts[event.label] = attempts.get(event.label, 0) + 1
        await session.execute(insert(applied).values(event_id=envelope.id, label=event.label))
        if event.label in fail:
            raise RuntimeError(f"cannot apply {event.label}")

    return registry


async def test_a_fetched_batch_is_applied_in_one_transaction_in_stream_order(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace) as p:
        labels = [f"e-{i:02d}" for i in range(20)]
        for label in labels:
            await _publish(p, label)
        sessions: list[str] = []
        # A generous time budget, so a busy test machine cannot split the batch.
        async with running_with_budget(p, _recording_registry(sessions, {}, set()), budget_s=10):
            assert await eventually(lambda: _labels_including(p, "e-19")) == labels
        assert len(set(sessions)) == 1  # one fetch of 20 (the batch is 64): one transaction


async def test_a_failing_message_in_a_batch_gets_its_own_retries_and_its_neighbours_apply_once(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace, consumer_max_deliver=2) as p:
        for label in ("good-0", "good-1", "poison", "good-2", "good-3"):
            await _publish(p, label)
        attempts: dict[str, int] = {}
        async with running(p, _recording_registry([], attempts, {"poison"})):
            await eventually(lambda: _labels_including(p, "good-3"))
            [letter] = await eventually(lambda: _dead_letters(p), timeout=15)
        # The batch rolled back and was applied again without the poison: each good label once, in order.
        assert await p.applied_labels() == ["good-0", "good-1", "good-2", "good-3"]
        assert attempts["poison"] == 2  # once per delivery, never re-run on the batch's behalf
        assert letter.headers["Consorcia-Reason"] == "RuntimeError: cannot apply poison"
        assert json.loads(letter.data)["data"] == {"label": "poison"}


async def test_events_already_applied_are_skipped_inside_a_batch(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        first = await _publish(p, "first", msg_id=False)
        async with running(p, _recording_registry([], {}, set())):
            await eventually(lambda: _labels_including(p, "first"))
        # Redelivered past the broker's dedupe (no Msg-Id) together with new events, in one batch.
        await _publish(p, "first", event_id=first, msg_id=False)
        await _publish(p, "second")
        await _publish(p, "second-again", event_id=first, msg_id=False)
        async with running(p, _recording_registry([], {}, set())):
            await eventually(lambda: _labels_including(p, "second"))
        assert await p.applied_labels() == ["first", "second"]


async def test_a_batch_whose_handlers_run_long_commits_in_several_transactions(
    database_url, nats_server, namespace
):
    """SQLite has one write lock: a batch past its time budget (50 ms) commits and goes on in a new one."""
    async with probe(database_url, nats_server.url, namespace) as p:
        labels = [f"slow-{i}" for i in range(5)]
        for label in labels:
            await _publish(p, label)
        sessions: list[str] = []
        async with running(p, _recording_registry(sessions, {}, set(), pause_s=0.03)):
            assert await eventually(lambda: _labels_including(p, "slow-4")) == labels
        assert len(set(sessions)) >= 2
        assert sessions == sorted(sessions, key=sessions.index)  # each transaction took a consecutive run
        async with p.factory() as session:
            assert (await session.execute(select(func.count()).select_from(processed))).scalar_one() == 5

"""Work a service does once per batch (before-commit hooks), and batches gathered over a short wait."""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from shared.messaging.consumer import HandlerRegistry
from tests.infra import eventually
from tests.shared.harness import ProbeHappened, applied, probe
from tests.shared.test_consumer import _dead_letters, _labels_including, _publish, running
from tests.shared.test_consumer_batches import _recording_registry, running_with_budget


def _deferring_registry(hook_calls: list[list[str]]) -> HandlerRegistry:
    """Handlers only note their event; the hook writes the batch's rows at once, failing on 'poison'."""
    registry = HandlerRegistry()

    @registry.on(ProbeHappened)
    async def note(event: ProbeHappened, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
        session.info.setdefault("pending", []).append((envelope.id, event.label))

    @registry.before_commit
    async def write(session) -> None:  # type: ignore[no-untyped-def]
        pending = session.info.pop("pending", [])
        hook_calls.append([label for _, label in pending])
        if any(label == "poison" for _, label in pending):
            raise RuntimeError("cannot write poison")
        if pending:
            await session.execute(insert(applied), [{"event_id": i, "label": label} for i, label in pending])

    return registry


async def test_a_before_commit_hook_runs_once_per_batch_and_commits_with_it(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace) as p:
        labels = [f"e-{i}" for i in range(5)]
        for label in labels:
            await _publish(p, label)
        calls: list[list[str]] = []
        async with running_with_budget(p, _deferring_registry(calls), budget_s=10):
            assert await eventually(lambda: _labels_including(p, "e-4")) == labels
        assert calls == [labels]


async def test_a_failing_hook_rolls_its_batch_back_and_only_the_event_to_blame_is_dead_lettered(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace, consumer_max_deliver=2) as p:
        for label in ("good-0", "poison", "good-1"):
            await _publish(p, label)
        calls: list[list[str]] = []
        async with running(p, _deferring_registry(calls)):
            [letter] = await eventually(lambda: _dead_letters(p), timeout=15)
            await eventually(lambda: _labels_including(p, "good-1"))
        assert await p.applied_labels() == ["good-0", "good-1"]
        assert letter.headers["Consorcia-Reason"] == "RuntimeError: cannot write poison"
        assert calls[0] == ["good-0", "poison", "good-1"]  # then one by one
        assert calls.count(["poison"]) == 2  # its own two deliveries


async def test_with_a_batch_wait_a_lone_event_is_applied_at_once_and_what_follows_it_gathers(
    database_url, nats_server, namespace
):
    async with probe(database_url, nats_server.url, namespace, consumer_batch_wait_s=1.0) as p:
        sessions: list[str] = []
        async with running_with_budget(p, _recording_registry(sessions, {}, set()), budget_s=10):
            await _publish(p, "lone")
            # Well within the wait: the fetch was already waiting for it.
            await eventually(lambda: _labels_including(p, "lone"), timeout=0.5, interval=0.005)
            for i in range(3):  # these arrive during the wait that follows it
                await _publish(p, f"then-{i}")
            await eventually(lambda: _labels_including(p, "then-2"))
        assert len(sessions) == 4 and len(set(sessions)) == 2, sessions
        assert sessions[1] == sessions[2] == sessions[3]


async def test_without_a_batch_wait_a_lone_event_is_applied_at_once(database_url, nats_server, namespace):
    async with probe(database_url, nats_server.url, namespace) as p:
        sessions: list[str] = []
        async with running(p, _recording_registry(sessions, {}, set())):
            label = uuid.uuid4().hex[:6]
            await _publish(p, label)
            await eventually(lambda: _labels_including(p, label), timeout=2, interval=0.005)
        assert len(sessions) == 1

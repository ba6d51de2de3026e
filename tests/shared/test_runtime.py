"""The service runtime: background jobs start with the service and stop before its resources close."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import shared.runtime as runtime_module
from shared.runtime import ServiceRuntime, ServiceSpec, every
from tests.shared.harness import ProbeSettings, metadata, outbox, processed


def probe_runtime(tmp_path: Path, nats_server, namespace: str, **spec: Any) -> ServiceRuntime:  # type: ignore[no-untyped-def]
    """A runtime with no migrations and a throwaway SQLite file: only its jobs and workers matter."""
    settings = ProbeSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}",
        nats_url=nats_server.url,
        namespace=namespace,
        migrate_on_start=False,
    )
    return ServiceRuntime(
        ServiceSpec(
            name="probe",
            settings=settings,
            metadata=metadata,
            outbox=outbox,
            processed=processed,
            migrations=tmp_path,
            **spec,
        )
    )


async def test_background_job_runs_repeatedly_survives_failures_and_stops_with_the_service(
    tmp_path: Path, nats_server, namespace
):
    runs: list[int] = []

    async def flaky(runtime: ServiceRuntime) -> None:
        runs.append(len(runs))
        if len(runs) == 2:
            raise RuntimeError("a failed run is retried on the next tick")

    runtime = probe_runtime(tmp_path, nats_server, namespace, background=[every(0.02, flaky, name="flaky")])
    await runtime.start()
    await asyncio.sleep(0.2)
    await runtime.stop()
    count = len(runs)
    assert count >= 4, "kept running after the failed second run"
    await asyncio.sleep(0.1)
    assert len(runs) == count, "no run after stop()"


async def test_a_worker_is_asked_to_stop_and_finishes_its_unit_of_work(
    tmp_path: Path, nats_server, namespace
):
    finished: list[str] = []

    class Mailer:
        def __init__(self) -> None:
            self._stopping = asyncio.Event()

        async def run(self) -> None:
            await self._stopping.wait()
            await asyncio.sleep(0.05)  # the e-mail in hand is sent, not cut off
            finished.append("sent")

        def stop(self) -> None:
            self._stopping.set()

    runtime = probe_runtime(tmp_path, nats_server, namespace, workers=[lambda runtime: Mailer()])
    await runtime.start()
    await asyncio.sleep(0.05)
    await runtime.stop()
    assert finished == ["sent"]


async def test_a_stop_during_the_broker_join_leaves_no_relay_running(
    tmp_path: Path, nats_server, namespace, monkeypatch
):
    """The join's cancellation can be swallowed by a library mid-call; the join must still give up."""
    real = runtime_module.ensure_streams
    joining = asyncio.Event()

    async def swallows_a_cancellation(*args: Any, **kwargs: Any) -> None:
        joining.set()
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            pass  # as a client library that catches it and carries on would
        await real(*args, **kwargs)

    monkeypatch.setattr(runtime_module, "ensure_streams", swallows_a_cancellation)
    runtime = probe_runtime(tmp_path, nats_server, namespace)
    await runtime.start()
    await asyncio.wait_for(joining.wait(), 5)
    await runtime.stop()
    await asyncio.sleep(0.1)
    assert runtime.relay is None
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "probe-relay" and not t.done()]

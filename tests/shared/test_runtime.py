"""The service runtime: background jobs start with the service and stop before its resources close."""

from __future__ import annotations

import asyncio
from pathlib import Path

from shared.runtime import ServiceRuntime, ServiceSpec, every
from tests.shared.harness import ProbeSettings, metadata, outbox, processed


async def test_background_job_runs_repeatedly_survives_failures_and_stops_with_the_service(
    tmp_path: Path, nats_server, namespace
):
    runs: list[int] = []

    async def flaky(runtime: ServiceRuntime) -> None:
        runs.append(len(runs))
        if len(runs) == 2:
            raise RuntimeError("a failed run is retried on the next tick")

    settings = ProbeSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
        nats_url=nats_server.url,
        namespace=namespace,
        migrate_on_start=False,
    )
    spec = ServiceSpec(
        name="probe",
        settings=settings,
        metadata=metadata,
        outbox=outbox,
        processed=processed,
        migrations=tmp_path,
        background=[every(0.02, flaky, name="flaky")],
    )
    runtime = ServiceRuntime(spec)
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

    settings = ProbeSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
        nats_url=nats_server.url,
        namespace=namespace,
        migrate_on_start=False,
    )
    spec = ServiceSpec(
        name="probe",
        settings=settings,
        metadata=metadata,
        outbox=outbox,
        processed=processed,
        migrations=tmp_path,
        workers=[lambda runtime: Mailer()],
    )
    runtime = ServiceRuntime(spec)
    await runtime.start()
    await asyncio.sleep(0.05)
    await runtime.stop()
    assert finished == ["sent"]

"""Matching speed among 100,000 SMEs: `.venv/bin/python -m bench.matching_speed`.

Targets (issue 4): top-10 partners of one organization p95 <= 50 ms; incremental matching of a newly
registered organization <= 200 ms; formation over a pool of 2,000 <= 2 s. The incremental figure is
the real handler (projection row, every match type, stored matches, outbox rows, commit) on SQLite
with the candidate index holding the 100,000.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.matching_data import crowd
from services.matching.config import MatchingSettings
from services.matching.matcher import Matcher
from services.matching.models import Base
from services.matching.scoring.formation import form
from services.matching.service import project_organization
from shared.db import create_engine, create_session_factory, unit_of_work
from shared.events.directory import OrganizationRegistered

N, QUERIES, NEW, POOL = 100_000, 200, 50, 2_000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


async def main() -> None:
    rng = random.Random(11)
    started = time.perf_counter()
    people = crowd(N + NEW)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        settings = MatchingSettings(database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        matcher = Matcher(settings)
        started = time.perf_counter()
        for p in people[:N]:
            matcher.index.put(p)
        loaded = time.perf_counter() - started
        index = matcher.index

        top, top_cpu = [], []
        for p in rng.sample(people[:N], QUERIES):
            t, c = time.perf_counter(), time.process_time()
            index.top(p, "partner", 10)
            top.append((time.perf_counter() - t) * 1000)
            top_cpu.append((time.process_time() - c) * 1000)

        engine = create_engine(settings.database_url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        factory = create_session_factory(engine)
        incremental, incremental_cpu = [], []
        for p in people[N:]:
            event = OrganizationRegistered(
                organization_id=p.id,
                name=p.name,
                kind="sme",
                country=p.country,
                sectors=list(p.sectors),
                products=[{"hs_code": x.code, "description": x.description} for x in p.products],
                target_markets=sorted(p.markets),
                size_class=p.size,
                export_checkup_score=p.checkup,
                offers=" ".join(x.description for x in p.products),
            )
            t, c = time.perf_counter(), time.process_time()
            async with unit_of_work(factory) as session:
                await matcher.catch_up(session)  # as the handler does, for other replicas' writes
                await project_organization(
                    event, event_id=str(uuid.uuid4()), session=session, matcher=matcher
                )
            incremental.append((time.perf_counter() - t) * 1000)
            incremental_cpu.append((time.process_time() - c) * 1000)
        await engine.dispose()

    family_pool = [p for p in people[:N] if "agroindustry" in p.families][:POOL]
    formation, formation_cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        result = form(family_pool, scorer=index.scorer)
        formation.append(time.perf_counter() - t)
        formation_cpu.append(time.process_time() - c)

    print(f"population: {N:,} SMEs generated in {built:.1f} s, candidate index loaded in {loaded:.1f} s")
    print(
        f"top-10 partners of one organization: p50 {statistics.median(top):.1f} ms, p95 {p95(top):.1f} ms, "
        f"max {max(top):.1f} ms over {QUERIES} queries; CPU p95 {p95(top_cpu):.1f} ms   (target p95 <= 50 ms)"
    )
    print(
        f"incremental matching of a new organization (handler, SQLite commit): p50 "
        f"{statistics.median(incremental):.1f} ms, p95 {p95(incremental):.1f} ms, max {max(incremental):.1f} ms "
        f"over {NEW}; CPU p95 {p95(incremental_cpu):.1f} ms   (target <= 200 ms)"
    )
    print(
        f"formation over a pool of {len(family_pool):,}: best {min(formation):.2f} s, worst {max(formation):.2f} s "
        f"({len(result.groups)} groups, {len(result.unassigned)} unassigned); CPU best {min(formation_cpu):.2f} s"
        "   (target <= 2 s)"
    )
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other processes "
        "inflate wall-clock figures; CPU time is this process's own, less sensitive to them)"
    )
    print("command: .venv/bin/python -m bench.matching_speed")


if __name__ == "__main__":
    asyncio.run(main())

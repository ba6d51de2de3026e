"""Bulk import rate: organizations per second through directory's bulk path, outbox rows included.

    .venv/bin/python -m bench.directory_import [--count 20000] [--batch 1000]

Each batch is one transaction of ``bulk.import_organizations`` (the use case behind
POST /organizations/import): validation, duplicate check, organization rows, facet tags and one
OrganizationRegistered outbox row per organization. Payloads are built before the clock starts.
Target: ≥ 2,000 organizations/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time

from sqlalchemy import func, select

from bench.directory_data import organization, throwaway_database
from services.directory.models import Organization, outbox
from services.directory.organizations import bulk
from services.directory.reference import load_countries
from shared.db import create_session_factory, unit_of_work

TARGET = 2000.0


async def run(count: int, batch: int, workers: int) -> float:
    rng = random.Random(7)
    rows = [organization(rng, i) for i in range(count)]
    async with throwaway_database() as (engine, name):
        factory = create_session_factory(engine)
        async with unit_of_work(factory) as session:
            await load_countries(session=session)
        batches = [rows[start : start + batch] for start in range(0, count, batch)]

        async def worker() -> None:
            # Like several POST /organizations/import requests at once: one transaction each.
            while batches:
                chunk = batches.pop(0)
                async with unit_of_work(factory) as session:
                    result = await bulk.import_organizations(chunk, session=session)
                    assert not result.errors, result.errors[:3]

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - started
        async with factory() as session:
            orgs = (await session.execute(select(func.count()).select_from(Organization))).scalar_one()
            events = (await session.execute(select(func.count()).select_from(outbox))).scalar_one()
        rate = count / elapsed
        print(f"database {name} (dropped afterwards)")
        print(
            f"imported {orgs} organizations with {events} outbox rows in {elapsed:.2f}s "
            f"in batches of {batch}, {workers} at a time: {rate:,.0f} organizations/s (target ≥ {TARGET:,.0f})"
        )
        assert orgs == events == count
        return rate


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="concurrent import transactions")
    args = parser.parse_args()
    print(
        "command: .venv/bin/python -m bench.directory_import "
        f"--count {args.count} --batch {args.batch} --workers {args.workers}"
    )
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    rate = asyncio.run(run(args.count, args.batch, args.workers))
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

"""Search latency over 100,000 organizations on PostgreSQL: p50/p95/p99 of directory's search use case.

    .venv/bin/python -m bench.directory_search [--count 100000] [--queries 400] [--database NAME | --keep]

The organizations are built by the same rules as registration (bulk path) and written with COPY so the
setup stays short, their search rows (organization_search) with the use cases' own SQL; the timed part
is ``search.search`` — full-text match, one page of 20 in search's order, and the facet counts (on a second
pooled connection, as the REST route does) — one search at a time, after every query has been run
twice untimed. Four figures: with facets as the REST route counts them (estimated above
CONSORCIA_DIRECTORY_SEARCH_EXACT_COUNTS_UP_TO matches) for whole organizations, the same for the
fields the gateway's search page asks for, with every count exact, and the page alone.
Target: p95 ≤ 20 ms (the first figure).

Populating takes a couple of minutes: ``--keep`` keeps the database (its name is printed) and
``--database NAME`` reuses it, so queries can be iterated on; drop it yourself afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time

from sqlalchemy import text

from bench.directory_data import organization, throwaway_database
from services.directory.config import DirectorySettings
from services.directory.models import Country, Organization
from services.directory.organizations import bulk, search, search_index
from services.directory.organizations.output import Projection
from services.directory.reference import load_countries
from shared.db import create_session_factory, unit_of_work
from shared.heap import settle_heap

TARGET_MS = 20.0
GIN_INDEXES = {"ix_organization_search_vector": "search_vector"}
QUERIES = [
    ("cacao", {}),
    ("CAFÉ", {}),
    ("cafe", {"country": ["CO"]}),
    ("artesanias", {}),
    ("coffee", {}),
    ("handmade", {"size": ["micro"]}),
    ("leather footwear", {}),
    ("calzado cuero", {}),
    ("software", {"country": ["MX"]}),
    ("chocolate orgánico", {}),
    ("textiles", {"market": ["US"]}),
    ("turismo médico", {}),
    ("flores", {}),
    ("miel", {"sector": ["agroindustry"]}),
    ("muebles diseño", {}),
    ("", {"country": ["EC"], "sector": ["cacao"]}),
    ("", {"sector": ["textiles-apparel"], "size": ["small"]}),
    ("exportadora austral", {}),
    ("ISO 9001", {}),
    ("autopartes", {"country": ["MX", "BR"]}),
    ("energías renovables", {}),
    ("quinoa", {}),
    ("cosmetics natural", {}),
]


async def populate(engine, count: int) -> None:  # type: ignore[no-untyped-def]
    factory = create_session_factory(engine)
    async with unit_of_work(factory) as session:
        await load_countries(session=session)
    rng = random.Random(11)
    async with factory() as session:
        countries = {c.iso2: c for c in (await session.execute(Country.__table__.select())).all()}
        countries = {c.iso2: await session.get(Country, c.iso2) for c in countries.values()}
        built = [await bulk._build(session, organization(rng, i), countries) for i in range(count)]  # noqa: SLF001
    columns = [c.key for c in Organization.__table__.columns]
    json_columns = {c.key for c in Organization.__table__.columns if c.type.__class__.__name__ == "JSON"}

    def record(org) -> tuple:  # type: ignore[no-untyped-def]
        values = ((c, getattr(org, c)) for c in columns)
        return tuple(json.dumps(v) if c in json_columns and v is not None else v for c, v in values)

    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        await raw.copy_records_to_table("organizations", records=[record(o) for o in built], columns=columns)
        # The search rows as the use cases write them (search_index.py), all at once; building the GIN
        # indexes once afterwards is much faster than maintaining them row by row.
        await raw.execute("; ".join(f"DROP INDEX {name}" for name in GIN_INDEXES))
        await raw.execute(search_index.REBUILD)
        await raw.execute(
            "; ".join(
                f"CREATE INDEX {name} ON organization_search USING gin ({col}) WITH (gin_pending_list_limit = 256)"
                for name, col in GIN_INDEXES.items()
            )
        )
        # Hint bits and the visibility map set now, as on a database that has been running a while,
        # rather than by the first measured searches.
        for table in ("organizations", "organization_search"):
            await raw.execute(f"VACUUM ANALYZE {table}")


async def measure(  # type: ignore[no-untyped-def]
    engine, queries: int, facets: bool, exact_up_to: int | None = None, columns=None
) -> list[float]:
    factory = create_session_factory(engine)
    rng = random.Random(5)
    # Every query twice first, untimed: each statement prepared on pooled connections and the pages
    # it reads cached, as in a service that has been answering these searches a while.
    warm = [*QUERIES, *QUERIES]
    rng.shuffle(warm)
    timings: list[float] = []
    empty = 0
    for i in range(len(warm) + queries):
        q, filters = warm[i] if i < len(warm) else rng.choice(QUERIES)
        started = time.perf_counter()
        # As GET /organizations/search does on PostgreSQL: the facets on a second pooled connection.
        async with factory() as session, factory() as facet_session:
            page = await search.search(
                session=session,
                query=q,
                filters=search.SearchFilters(**filters),
                limit=20,
                with_facets=facets,
                facet_session=facet_session if facets else None,
                exact_facets_up_to=exact_up_to,
                columns=columns,
            )
        if i >= len(warm):
            timings.append((time.perf_counter() - started) * 1000)
            empty += not page.items
    print(f"  ({empty} of {queries} queries found nothing)")
    return timings


def describe(label: str, timings: list[float]) -> float:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label}: n={len(ordered)} p50={statistics.median(ordered):.1f} ms p95={p95:.1f} ms "
        f"p99={ordered[int(0.99 * (len(ordered) - 1))]:.1f} ms max={ordered[-1]:.1f} ms"
    )
    return p95


async def run(count: int, queries: int, database: str | None, keep: bool) -> float:
    async with throwaway_database(name=database, keep=keep) as (engine, name):
        async with engine.connect() as conn:
            present = (await conn.execute(text("SELECT count(*) FROM organizations"))).scalar_one()
        if present:
            print(f"database {name} (kept): {present:,} organizations already there")
        else:
            started = time.perf_counter()
            await populate(engine, count)
            fate = "kept" if database or keep else "dropped afterwards"
            print(
                f"database {name} ({fate}): {count:,} organizations in {time.perf_counter() - started:.0f}s"
            )
        settle_heap()  # as the service runtime does once started (shared/heap.py)
        # As the REST route: above about this many matches, total and facets are estimated from a sample.
        up_to = DirectorySettings().search_exact_counts_up_to or None
        with_facets = describe("search + facets", await measure(engine, queries, True, up_to))
        gateway = Projection(["country", "kind", "name", "region", "size_class"]).columns
        describe("  the gateway's fields", await measure(engine, queries, True, up_to, gateway))
        describe("search + exact facets", await measure(engine, queries, True))
        describe("search only    ", await measure(engine, queries, False))
        return with_facets


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--database", help="use (and keep) this database; populated only when it holds no organization"
    )
    parser.add_argument("--keep", action="store_true", help="keep the fresh database (its name is printed)")
    args = parser.parse_args()
    print(
        f"command: .venv/bin/python -m bench.directory_search --count {args.count} --queries {args.queries}"
    )
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    p95 = asyncio.run(run(args.count, args.queries, args.database, args.keep))
    print(f"p95 with facets {p95:.1f} ms (target ≤ {TARGET_MS:.0f} ms)")
    return 0 if p95 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())

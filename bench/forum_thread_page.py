"""Benchmark: a forum thread page of 50 posts. `.venv/bin/python -m bench.forum_thread_page`

A real forum process (uvicorn, 127.0.0.1) on SQLite and on PostgreSQL (a throwaway database
helper_forum_bench_*, dropped afterwards), with its own nats-server and redis-server. One thread of
60 Markdown posts with mentions, quotes and reactions; a signed-in member (read marks, watch level,
reactions marked "mine") reads the first page of 50 posts, sequentially, after a warm-up.
Target: p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import servers
from bench.forum_common import Forum, figures, pct

PG_PREFIX = "helper_forum_bench_page"
TARGET_P95_MS = 30.0
PARAGRAPH = (
    "El consorcio de **cacao fino** de @{handle} exporta a la Unión Europea desde 2014; compartimos "
    "costos de *logística* y ferias. Ver [la guía](https://example.org/guia). Post {i}.\n\n"
    "- certificación orgánica\n- trazabilidad\n- factoraje con la banca de desarrollo\n"
)


async def _populate(forum: Forum) -> tuple[str, str]:
    _, author = forum.token("Autora Principal", "moderator")  # moderators have no new-account quota
    _, reader = forum.token("Lectora Atenta", "member")
    auth = {"authorization": f"Bearer {author}"}
    async with httpx.AsyncClient(base_url=forum.url, timeout=30) as client:
        spaces = (await client.get("/spaces")).json()["items"]
        if not spaces:  # no seed: make one category through the seed command's own use case
            raise RuntimeError("the forum has no spaces; run with the seed")
        space = spaces[0]["id"]
        created = (
            await client.post(
                f"/spaces/{space}/threads",
                headers=auth,
                json={"title": "Hilo de prueba", "body": PARAGRAPH.format(handle="x", i=0)},
            )
        ).json()
        thread = created["thread"]["id"]
        first = created["post"]["id"]
        for i in range(1, 60):
            body = {"body": PARAGRAPH.format(handle="autoraprincipal", i=i)}
            if i % 5 == 0:
                body["quote_post_id"] = first
            r = await client.post(f"/threads/{thread}/posts", headers=auth, json=body)
            r.raise_for_status()
            if i % 3 == 0:
                await client.post(
                    f"/posts/{r.json()['id']}/reactions",
                    headers={"authorization": f"Bearer {reader}"},
                    json={"emoji": "👍"},
                )
        await client.post(
            f"/threads/{thread}/read", headers={"authorization": f"Bearer {reader}"}, json={"up_to": 20}
        )
    return thread, reader


async def _measure(forum: Forum, thread: str, token: str, n: int) -> list[float]:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=forum.url, timeout=30) as client:
        for _ in range(30):
            (await client.get(f"/threads/{thread}", params={"limit": 50}, headers=headers)).raise_for_status()
        times = []
        for _ in range(n):
            started = time.perf_counter()
            r = await client.get(f"/threads/{thread}", params={"limit": 50}, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200 and len(r.json()["items"]) == 50
    return times


async def run(n: int) -> int:
    print("command:", shlex.join([sys.executable, "-m", "bench.forum_thread_page", *sys.argv[1:]]))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="forum-bench-") as tmp:
        workdir = Path(tmp)
        nats, nats_url = servers.start_nats(workdir)
        redis, redis_url = servers.start_redis(workdir)
        pg_url = await servers.create_pg_database(PG_PREFIX)
        try:
            for engine, url in (
                ("sqlite", f"sqlite+aiosqlite:///{workdir / 'forum.db'}"),
                ("postgresql", pg_url),
            ):
                await _seed(url)
                forum = Forum(workdir, url, nats_url, redis_url)
                try:
                    thread, reader = await _populate(forum)
                    times = await _measure(forum, thread, reader, n)
                finally:
                    forum.stop()
                ok = pct(times, 95) <= TARGET_P95_MS
                failed += not ok
                print(
                    figures(f"thread page of 50 posts, {engine}", times),
                    f"-> {'OK' if ok else 'ABOVE'} target p95 <= {TARGET_P95_MS:.0f} ms",
                )
        finally:
            await servers.drop_pg_database(pg_url)
            nats.stop()
            redis.stop()
    return failed


async def _seed(url: str) -> None:
    from services.forum.config import ForumSettings
    from services.forum.migrations import __file__ as _  # noqa: F401  (the package exists)
    from services.forum.seed import load_seed
    from shared.db import create_engine, create_session_factory, unit_of_work
    from shared.migrations import upgrade

    engine = create_engine(url)
    await upgrade(engine, Path(__file__).parents[1] / "services" / "forum" / "migrations")
    async with unit_of_work(create_session_factory(engine)) as session:
        await load_seed(ForumSettings(database_url=url), session=session)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=500, help="measured requests per engine")
    args = parser.parse_args()
    sys.exit(1 if asyncio.run(run(args.n)) else 0)


if __name__ == "__main__":
    main()

"""Benchmark: forum search over a large PostgreSQL forum. `.venv/bin/python -m bench.forum_search`

Builds a throwaway database helper_forum_bench_search_* (dropped afterwards) with forum's migrations,
then loads posts with COPY (the GIN index is built after the load): 20,000 threads in 14 public
categories and 60 private spaces, 50 posts each, 24 words per post drawn with a Zipf law from a
vocabulary made of the 2015 meeting's own words plus generated product and place names. Generation
is bounded by --budget seconds: the figures say how many posts were actually searched.

Then a real forum process (uvicorn, 127.0.0.1) answers GET /search as an anonymous reader (public
spaces only): 300 queries of one to three mid-frequency words, sequentially after a warm-up, with the
relevance ranking and cursor the API always uses. Target: p95 <= 50 ms over 1,000,000 posts.
The single most common word (in most posts) is measured separately as the worst case.

Populating a million posts takes minutes: `--keep` leaves the database in place (its name is
printed) and `--reuse NAME` measures an existing one again (it is migrated to head first, not
regenerated); drop it afterwards with `--drop NAME`. Both names must carry this bench's prefix.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import re
import shlex
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import numpy as np
from sqlalchemy.engine import make_url

from bench import servers
from bench.forum_common import Forum, figures, pct
from shared.text import fold

PG_PREFIX = "helper_forum_bench_search"
TARGET_P95_MS = 50.0
POSTS_PER_THREAD = 50
WORDS_PER_POST = 24
REPO = Path(__file__).resolve().parents[1]
SEARCH_INDEXES = (  # as migration 0003 creates them
    "CREATE INDEX ix_post_search_prefixes ON post_search USING gin (forum_prefixes(vector)) "
    "WITH (fastupdate = off)",
    "CREATE INDEX ix_post_search_created ON post_search (created_at)",
    "CREATE INDEX ix_post_search_space_created ON post_search (space_id, created_at)",
    "CREATE INDEX ix_post_search_thread ON post_search (thread_id)",
)


def _search_migration():  # type: ignore[no-untyped-def]
    """Migration 0003, for the statement that fills post_search after a bulk load."""
    path = REPO / "services/forum/migrations/versions/0003_post_search.py"
    spec = importlib.util.spec_from_file_location("forum_0003_post_search", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def vocabulary(rng: np.random.Generator, size: int = 20_000) -> list[str]:
    """The meeting's words first (the common ones), then generated names for the long tail."""
    texts = [
        json.dumps(json.loads((REPO / "services/forum/seed" / f).read_text()), ensure_ascii=False)
        for f in ("debates.json", "categories.json")
    ]
    counts: dict[str, int] = {}
    for word in re.findall(r"[a-z]{4,}", fold(" ".join(texts))):
        counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])
    syllables = [
        "ca",
        "co",
        "ta",
        "ri",
        "me",
        "xo",
        "la",
        "pa",
        "vi",
        "nu",
        "sol",
        "mar",
        "quin",
        "bel",
        "dor",
    ]
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables, size=rng.integers(3, 5)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words[:size]


async def build(url: str, target_posts: int, budget_s: float) -> tuple[int, list[str], np.ndarray]:
    from shared.db import create_engine
    from shared.migrations import upgrade

    engine = create_engine(url)
    await upgrade(engine, REPO / "services/forum/migrations")
    await engine.dispose()
    conn = await _connect(url)
    rng = np.random.default_rng(2015)
    words = vocabulary(rng)
    ranks = np.arange(1, len(words) + 1)
    weights = 1.0 / ranks
    weights /= weights.sum()
    vocab = np.array(words, dtype=object)
    started = time.monotonic()
    try:
        # Loaded in bulk: the search table is filled in one statement and indexed after the load.
        await conn.execute("ALTER TABLE posts DISABLE TRIGGER posts_search_sync")
        for index in SEARCH_INDEXES:
            await conn.execute(f"DROP INDEX IF EXISTS {index.split()[2]}")
        now = datetime.now(UTC)
        spaces = [
            (
                uuid.uuid4(),
                "category",
                f"c{i}",
                f"Categoría {i}",
                f"Category {i}",
                "",
                "",
                i,
                False,
                None,
                None,
                now,
            )
            for i in range(14)
        ]
        spaces += [
            (
                uuid.uuid4(),
                "consortium",
                None,
                f"Consorcio {i}",
                f"Consortium {i}",
                "",
                "",
                1000,
                True,
                uuid.uuid4(),
                None,
                now,
            )
            for i in range(60)
        ]
        await conn.copy_records_to_table(
            "spaces",
            records=spaces,
            columns=[
                "id",
                "kind",
                "slug",
                "name_es",
                "name_en",
                "description_es",
                "description_en",
                "position",
                "is_private",
                "consortium_id",
                "introduction_id",
                "created_at",
            ],
        )
        n_threads = max(1, target_posts // POSTS_PER_THREAD)
        threads = []
        for i in range(n_threads):
            space = spaces[i % 14][0] if i % 10 else spaces[14 + i % 60][0]  # a tenth private
            t = now - timedelta(minutes=n_threads - i)
            threads.append(
                (
                    uuid.uuid4(),
                    space,
                    uuid.uuid4(),
                    f"Hilo {i}",
                    None,
                    None,
                    None,
                    False,
                    False,
                    False,
                    False,
                    POSTS_PER_THREAD,
                    POSTS_PER_THREAD,
                    t,
                    t,
                    None,
                )
            )
        await conn.copy_records_to_table(
            "threads",
            records=threads,
            columns=[
                "id",
                "space_id",
                "author_id",
                "title",
                "title_en",
                "attributed_to",
                "seed_key",
                "pinned",
                "locked",
                "is_advisory",
                "solved",
                "last_post_number",
                "post_count",
                "created_at",
                "last_post_at",
                "deleted_at",
            ],
        )
        loaded, batch_threads = 0, 1000
        for start in range(0, n_threads, batch_threads):
            if time.monotonic() - started > budget_s:
                print(f"generation budget of {budget_s:.0f} s reached at {loaded:,} posts")
                break
            chunk = threads[start : start + batch_threads]
            n = len(chunk) * POSTS_PER_THREAD
            picks = rng.choice(len(words), size=(n, WORDS_PER_POST), p=weights)
            texts = [" ".join(row) for row in vocab[picks]]
            records = []
            for k, text in enumerate(texts):
                thread = chunk[k // POSTS_PER_THREAD]
                number = k % POSTS_PER_THREAD + 1
                records.append(
                    (
                        uuid.uuid4(),
                        thread[0],
                        number,
                        thread[2],
                        text,
                        f"<p>{text}</p>\n",
                        uuid.uuid4().hex,
                        text,
                        0,
                        False,
                        thread[13] + timedelta(seconds=number),
                    )
                )
            await conn.copy_records_to_table(
                "posts",
                records=records,
                columns=[
                    "id",
                    "thread_id",
                    "number",
                    "author_id",
                    "body_md",
                    "body_html",
                    "content_hash",
                    "search_text",
                    "flag_count",
                    "hidden",
                    "created_at",
                ],
            )
            loaded += n
        load_s = time.monotonic() - started
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute(_search_migration().backfill())
        for index in SEARCH_INDEXES:
            await conn.execute(index)
        await conn.execute("ALTER TABLE posts ENABLE TRIGGER posts_search_sync")
        await conn.execute("VACUUM ANALYZE")  # steady state: autovacuum has run, visibility map set
        print(
            f"generated {loaded:,} posts in {load_s:.0f} s; GIN index and ANALYZE in "
            f"{time.monotonic() - started - load_s:.0f} s"
        )
    finally:
        await conn.close()
    counts = np.bincount(rng.choice(len(words), size=200_000, p=weights), minlength=len(words))
    return loaded, words, counts


def queries(words: list[str], rng: np.random.Generator, n: int) -> list[str]:
    """One to three words from the middle of the vocabulary (ranks 30 to 3,000): what people look for."""
    out = []
    for _ in range(n):
        k = int(rng.integers(1, 4))
        out.append(" ".join(words[int(i)] for i in rng.integers(30, 3000, size=k)))
    return out


def _on_cpu_ms(pids: list[int]) -> dict[int, float]:
    """Time each process has spent on a CPU (Linux schedstat): immune to waiting for a busy machine."""
    out = {}
    for pid in pids:
        try:
            out[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
        except (OSError, ValueError, IndexError):
            continue
    return out


async def measure(forum: Forum, qs: list[str], url: str) -> tuple[list[float], int, float | None]:
    """Latencies, how many queries found something, and CPU per request (forum + its PostgreSQL
    backends) when /proc tells it: on a shared machine the latencies include everyone's load."""
    times, hits = [], 0
    async with httpx.AsyncClient(base_url=forum.url, timeout=60) as client:
        for q in qs[:20]:
            (await client.get("/search", params={"q": q})).raise_for_status()
        conn = await _connect(url)
        try:
            backends = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            before = _on_cpu_ms([forum.proc.pid, *[r["pid"] for r in await conn.fetch(backends)]])
            for q in qs:
                started = time.perf_counter()
                r = await client.get("/search", params={"q": q, "limit": 20})
                times.append((time.perf_counter() - started) * 1000)
                r.raise_for_status()
                hits += len(r.json()["items"]) > 0
            after = _on_cpu_ms([forum.proc.pid, *[r["pid"] for r in await conn.fetch(backends)]])
        finally:
            await conn.close()
    cpu = sum(after.get(pid, 0) - before.get(pid, 0) for pid in after) / len(qs) if after else None
    return times, hits, cpu


async def reuse(url: str) -> tuple[int, list[str]]:
    """A database an earlier --keep run populated: migrated to head, its posts counted, not regenerated."""
    from shared.db import create_engine
    from shared.migrations import upgrade

    engine = create_engine(url)
    await upgrade(engine, REPO / "services/forum/migrations")
    await engine.dispose()
    conn = await _connect(url)
    try:
        loaded = await conn.fetchval("SELECT count(*) FROM post_search")
    finally:
        await conn.close()
    return loaded, vocabulary(np.random.default_rng(2015))  # the same words build() drew


async def _connect(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        user=u.username, host=u.host, port=u.port or 5432, database=u.database, password=u.password
    )


def _own_database(name: str) -> str:
    if not name.startswith(PG_PREFIX + "_"):
        raise SystemExit(f"{name!r} is not one of this bench's databases ({PG_PREFIX}_*)")
    return make_url(servers.PG_BASE_URL).set(database=name).render_as_string(hide_password=False)


async def run(target: int, budget: float, n: int, keep: bool, reuse_name: str | None) -> int:
    print("command:", shlex.join([sys.executable, "-m", "bench.forum_search", *sys.argv[1:]]))
    with tempfile.TemporaryDirectory(prefix="forum-search-bench-") as tmp:
        workdir = Path(tmp)
        nats, nats_url = servers.start_nats(workdir)
        redis, redis_url = servers.start_redis(workdir)
        url = _own_database(reuse_name) if reuse_name else await servers.create_pg_database(PG_PREFIX)
        try:
            if reuse_name:
                loaded, words = await reuse(url)
            else:
                loaded, words, _ = await build(url, target, budget)
            forum = Forum(workdir, url, nats_url, redis_url)
            try:
                rng = np.random.default_rng(7)
                times, hits, cpu = await measure(forum, queries(words, rng, n), url)
                worst, _, worst_cpu = await measure(forum, [words[0]] * 30, url)
            finally:
                forum.stop()
        finally:
            if keep or reuse_name:
                print(f"kept database {make_url(url).database} (--reuse it, --drop it when done)")
            else:
                await servers.drop_pg_database(url)
            nats.stop()
            redis.stop()
    ok = pct(times, 95) <= TARGET_P95_MS
    print(
        figures(f"search over {loaded:,} posts (PostgreSQL), 1-3 mid-frequency words", times),
        f"({hits}/{len(times)} with results) -> {'OK' if ok else 'ABOVE'} target p95 <= {TARGET_P95_MS:.0f} ms",
    )
    print(figures(f"worst case: the most common word ({words[0]!r}, in most posts)", worst))
    if cpu is not None and worst_cpu is not None:
        print(
            f"CPU per request (forum process + its PostgreSQL backends): {cpu:.1f} ms; worst case {worst_cpu:.1f} ms"
        )
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--budget", type=float, default=100.0, help="seconds allowed for generating posts")
    parser.add_argument("-n", type=int, default=300, help="measured queries")
    parser.add_argument("--keep", action="store_true", help="keep the populated database")
    parser.add_argument("--reuse", metavar="NAME", help="measure a database an earlier --keep left")
    parser.add_argument("--drop", metavar="NAME", help="drop a kept database and exit")
    args = parser.parse_args()
    if args.drop:
        asyncio.run(servers.drop_pg_database(_own_database(args.drop)))
        print(f"dropped {args.drop}")
        return
    sys.exit(asyncio.run(run(args.posts, args.budget, args.n, args.keep, args.reuse)))


if __name__ == "__main__":
    main()

"""Benchmark of the event backbone: `.venv/bin/python -m bench.event_pipeline` (also `make bench`).

Part A: registrations through the gateway's GraphQL `registerOrganization` at a fixed offered rate,
timed from sending the mutation until matching's consumer has committed the `organization.registered`
event (method in bench/registrations.py). Targets: p50 <= 10 ms, p99 <= 50 ms at 100/s.
Part B: the highest sustained rate of outbox -> JetStream -> idempotent consumer alone, in one process,
on SQLite and on PostgreSQL (bench/backbone.py). Target: >= 1,000 events/s.

Everything runs on 127.0.0.1: its own nats-server (JetStream, sync_interval: always) and redis-server on
free ports, SQLite files in a temporary folder, a throwaway PostgreSQL database (TEST_DATABASE_URL's server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import backbone, backbone_latency, registrations, servers
from bench.system import start_slice

PG_PREFIX = "helper_pipeline_bench"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"  {name:<34} p50 {pct(values, 50):7.1f} ms   p95 {pct(values, 95):7.1f} ms   "
        f"p99 {pct(values, 99):7.1f} ms   max {max(values, default=float('nan')):7.1f} ms"
    )


async def part_a(
    workdir: Path, nats_url: str, redis_url: str, nats_pid: int, args: argparse.Namespace
) -> bool:
    print(f"\nPart A: registerOrganization through the gateway at {args.rate:g}/s for {args.seconds:g} s")
    sl = await asyncio.to_thread(start_slice, workdir, nats_url, redis_url)
    try:
        pids = {name: proc.pid for name, proc in sl.procs.items()} | {"nats-server": nats_pid, "client": None}
        profilers = _profile(sl.procs, args) if args.profile else []
        r = await registrations.measure(
            sl, nats_url, rate=args.rate, seconds=args.seconds, warmup=50, pids=pids
        )
    finally:
        for profiler in profilers:
            profiler.wait()
        await asyncio.to_thread(sl.stop)
    print(f"  sent {r.sent}, handled in matching {len(r.handled_ms)}, failed {len(r.failed)}")
    for problem in r.failed[:5]:
        print(f"    failed: {problem}")
    print(
        f"  offered {r.offered_rate:.0f}/s, achieved {r.achieved_rate:.1f}/s (handled / first send..last ack)"
    )
    if r.late_sends:
        print(f"  the client sent {r.late_sends} requests more than 5 ms behind schedule")
    print(_line("mutation answered (gateway)", r.response_ms))
    print(_line("event stored in JetStream", r.published_ms))
    print(_line("event handled in matching (E2E)", r.handled_ms))
    print(_line("  of which stored -> handled", r.delivered_ms))
    cpu = ", ".join(f"{name} {ms:.1f}" for name, ms in r.cpu_ms.items())
    print(f"  CPU per registration (ms): {cpu}; total {sum(r.cpu_ms.values()):.1f}")
    p50, p99 = pct(r.handled_ms, 50), pct(r.handled_ms, 99)
    ok = not r.failed and p50 <= 10 and p99 <= 50
    print(
        f"  target p50 <= 10 ms and p99 <= 50 ms: {'MET' if ok else 'MISSED'} (p50 {p50:.1f}, p99 {p99:.1f})"
    )
    return ok


async def part_b(nats_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    print(f"\nPart B: outbox -> JetStream -> idempotent consumer, {args.events} events, one process")
    results, latencies = [], []
    sqlite = [f"sqlite+aiosqlite:///{workdir / name}.db" for name in ("backbone", "producer", "consumer")]
    results.append(await backbone.measure(sqlite[0], nats_url, _ns(), "SQLite", args.events))
    latencies.append(await _latency(sqlite[1], sqlite[2], nats_url, "SQLite", args))
    if not args.no_postgres:
        try:
            pg_url = await servers.create_pg_database(PG_PREFIX)
        except Exception as exc:  # no server: say so, the SQLite figure still stands
            print(f"  PostgreSQL skipped: {exc!r}")
        else:
            try:
                results.append(await backbone.measure(pg_url, nats_url, _ns(), "PostgreSQL", args.events))
                latencies.append(await _latency(pg_url, pg_url, nats_url, "PostgreSQL", args))
            finally:
                await servers.drop_pg_database(pg_url)
    for t in results:
        print(
            f"  {t.backend:<11} {t.events} events in {t.seconds:5.2f} s = {t.rate:6.0f} events/s "
            f"(relay done after {t.published_after_s:.2f} s)"
        )
    ok = all(t.rate >= 1000 for t in results)
    print(f"  target >= 1,000 events/s: {'MET' if ok else 'MISSED'}")
    print(
        f"  backbone latency alone at {args.rate:g}/s (producer commit -> consumer commit, trivial handler):"
    )
    for lat in latencies:
        lost = f", {lat.sent - len(lat.ms)} not handled" if len(lat.ms) < lat.sent else ""
        print(_line(f"{lat.backend} ({lat.sent} events{lost})", lat.ms))
    return ok


async def _latency(producer: str, consumer: str, nats_url: str, backend: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return await backbone_latency.measure(
        producer, consumer, nats_url, _ns(), backend, rate=args.rate, seconds=args.latency_seconds
    )


def _profile(
    procs: dict[str, subprocess.Popen[bytes]], args: argparse.Namespace
) -> list[subprocess.Popen[bytes]]:
    """py-spy flame graphs of the apps while registrations are offered (warm-up included)."""
    out = Path(args.profile).resolve()
    out.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).parent / "py-spy"
    ext = "svg" if args.profile_format == "flamegraph" else "txt"
    print(f"  profiling into {out}/<app>.{ext}")
    return [
        subprocess.Popen(
            [
                str(spy),
                "record",
                "-d",
                str(int(args.seconds + 2)),
                "-r",
                "200",
                "-o",
                str(out / f"{name}.{ext}"),
                "-f",
                args.profile_format,
                "-p",
                str(proc.pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, proc in procs.items()
    ]


def _load() -> str:
    # Other work on the machine takes CPU from the benchmark: the figures mean little under a high load.
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) {five:.1f} (5 min)"


def _ns() -> str:
    return f"bench{uuid.uuid4().hex[:8]}"


async def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    print(
        f"command: {' '.join(shlex.quote(a) for a in ['.venv/bin/python', '-m', 'bench.event_pipeline', *sys.argv[1:]])}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="consorcia-bench-") as tmp:
        workdir = Path(tempfile.mkdtemp(prefix="consorcia-bench-")) if args.keep else Path(tmp)
        if args.keep:
            print(f"keeping logs and databases in {workdir}")
        (workdir / "nats").mkdir()
        nats, nats_url = servers.start_nats(workdir / "nats")
        redis, redis_url = servers.start_redis(workdir)
        try:
            ok = True
            if not args.skip_system:
                ok &= await part_a(workdir, nats_url, redis_url, nats.proc.pid, args)
            if not args.skip_backbone:
                ok &= await part_b(nats_url, workdir, args)
        finally:
            redis.stop()
            nats.stop()
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s ({_load()}); targets {'all met' if ok else 'NOT all met'}"
    )
    return 0 if ok else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.event_pipeline", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rate", type=float, default=100.0, help="offered registrations per second (100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to offer them (20)")
    parser.add_argument("--events", type=int, default=10_000, help="events for part B (10000)")
    parser.add_argument("--latency-seconds", type=float, default=5.0, help="part B latency run (5)")
    parser.add_argument("--skip-system", action="store_true", help="part B only")
    parser.add_argument("--skip-backbone", action="store_true", help="part A only")
    parser.add_argument("--no-postgres", action="store_true", help="part B on SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the logs and databases (path printed)")
    parser.add_argument("--profile", metavar="DIR", help="part A: py-spy flame graphs of each app into DIR")
    parser.add_argument("--profile-format", default="flamegraph", choices=["flamegraph", "raw", "speedscope"])
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))

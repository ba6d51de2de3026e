"""Gateway speed: one organization through GraphQL vs directory's REST, and the search page's p99.

    .venv/bin/python -m bench.gateway [--seconds 10] [--connections 32]

Starts nats-server and redis-server from the wheels, directory (SQLite, seeded with the 2015 report)
and the gateway as uvicorn processes on free 127.0.0.1 ports, exactly as `make run` does, then:

  A. requests/s of GET /organizations/{id} on directory directly, with `wrk` (fixed connections);
  B. requests/s of `{ organization(id) { ... } }` through the gateway, same tool and connections;
     target: B >= 50% of A;
  C. the search page (organizations connection of 20 in one country, each with its country) at 200
     requests/s (scheduled arrivals: a slow answer delays nothing, so no coordinated omission);
     target: p99 <= 50 ms.

Rate limiting stays on with budgets too large to trigger; this one busy caller's requests are
reserved from Redis a lease at a time (gateway/limits/rate.py), so Redis is asked a few times a
second rather than on every request. The gateway asks directory only for the fields the page reads
(`fields=country,id,kind,name`); C0 asks the same, so it is the floor under C. Each process prints
its CPU per request: unlike latency, a figure that other work on the machine barely moves.
Without `wrk` (apt-get install wrk) A and B fall back to an httpx load generator in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from gateway.http_pool import PooledHTTP
from tests.infra import NatsServer, RedisServer, free_port

ROOT = Path(__file__).resolve().parents[1]
# What the gateway asks directory for PAGE (gateway/directory/projection.py).
PAGE_FIELDS = "country,id,kind,name"
ONE = "query One($id: ID!) { organization(id: $id) { id name kind acronym countryCode website } }"
PAGE = (
    'query Page { organizations(first: 20, country: "MX") { edges { cursor node { id name kind countryCode '
    "country { iso2 nameEs nameEn } } } pageInfo { hasNextPage endCursor } } }"
)


def start(name: str, module: str, env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        module,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    proc = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=(workdir / f"{name}.log").open("wb"), stderr=subprocess.STDOUT
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready:\n{log.read_text()[-3000:]}")


def wrk(
    url: str, seconds: int, connections: int, workdir: Path, body: str | None = None
) -> tuple[float, str]:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if body is not None:
        script = workdir / "post.lua"
        script.write_text(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{body}]==]\n"
        )
        argv += ["-s", str(script)]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    shown = ["post.lua" if arg.endswith("post.lua") else arg for arg in argv]
    return rate, " ".join([*shown, url])


async def httpx_rate(method: str, url: str, seconds: int, connections: int, body: dict | None) -> float:
    done = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await client.request(method, url, json=body)
                response.raise_for_status()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.perf_counter() - started)


async def constant_rate(url: str, body: dict | None, rate: int, seconds: int) -> tuple[list[float], int]:
    """Latencies (s) of requests sent on a fixed schedule, measured from their scheduled start.

    The client is the gateway's own pooled HTTP/1.1 client (gateway/http_pool.py): a load generator
    as heavy as httpx would take a large share of this machine's two cores from what it measures.
    A failed request counts as an error and as an infinitely slow one in the percentiles.
    """
    target = urlsplit(url)
    http = PooledHTTP(f"{target.scheme}://{target.netloc}", 10, max_connections=512)
    latencies: list[float] = []
    errors = 0

    async def one(scheduled: float) -> None:
        nonlocal errors
        try:
            if body is None:  # a REST read
                reply = await http.request("GET", target.path + (f"?{target.query}" if target.query else ""))
            else:
                reply = await http.request("POST", target.path, json=body)
            if reply.status_code != 200 or (body is not None and "errors" in reply.json()):
                raise RuntimeError(f"{reply.status_code} {reply.content[:200]!r}")
            latencies.append(time.perf_counter() - scheduled)
        except Exception:  # noqa: BLE001 - counted, the run goes on
            errors += 1
            latencies.append(float("inf"))

    tasks = []
    t0 = time.perf_counter() + 0.1
    for i in range(rate * seconds):
        scheduled = t0 + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    await http.aclose()
    return latencies, errors


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU ms per request of the gateway and directory over one phase: a figure that, unlike req/s,
    does not depend on what else the machine is running."""

    def __init__(self, **pids: int) -> None:
        self.pids = pids
        self.start = {name: cpu_s(pid) for name, pid in pids.items()}

    def per_request(self, requests: int) -> str:
        used = {
            name: (cpu_s(pid) - self.start[name]) * 1000 / max(requests, 1) for name, pid in self.pids.items()
        }
        return ", ".join(f"{name} {ms:.2f} ms" for name, ms in used.items()) + " CPU per request"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    nats, redis = NatsServer(workdir / "nats"), RedisServer(workdir)
    nats.start()
    redis.start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        env = os.environ | {
            "CONSORCIA_NATS_URL": nats.url,
            "CONSORCIA_REDIS_URL": redis.url,
            "CONSORCIA_NAMESPACE": "benchgw",
            "CONSORCIA_LOG_LEVEL": "WARNING",
            "CONSORCIA_DIRECTORY_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'directory.db'}",
            "CONSORCIA_DIRECTORY_SEED_ON_START": "true",
            # Limits stay on (one Redis call per request); budgets large enough never to trigger.
            "CONSORCIA_GATEWAY_RATE_LIMIT_IP_PER_MINUTE": "100000000",
            "CONSORCIA_GATEWAY_RATE_LIMIT_BURST": "1000000",
        }
        directory, directory_url = start("directory", "services.directory.main:app", env, workdir)
        procs.append(directory)
        wait_ready(directory, directory_url, workdir / "directory.log")
        env |= {
            f"CONSORCIA_GATEWAY_{s.upper()}_URL": directory_url
            if s == "directory"
            else f"http://127.0.0.1:{free_port()}"
            for s in ("directory", "matching", "forum", "notifications")
        }
        gateway, gateway_url = start("gateway", "gateway.main:app", env, workdir)
        procs.append(gateway)
        wait_ready(gateway, gateway_url, workdir / "gateway.log")
        org_id = httpx.get(f"{directory_url}/organizations", params={"limit": 1}).json()["items"][0]["id"]
        graphql = gateway_url + "/graphql"
        one_body = {"query": ONE, "variables": {"id": org_id}}
        check = httpx.post(graphql, json=one_body).json()
        assert check.get("data", {}).get("organization", {}).get("id") == org_id, check
        page = httpx.post(graphql, json={"query": PAGE}).json()
        assert len(page["data"]["organizations"]["edges"]) == 20, page
        assert page["data"]["organizations"]["edges"][0]["node"]["country"], page

        rest_url = f"{directory_url}/organizations/{org_id}"
        if shutil.which("wrk"):
            wrk(rest_url, 2, args.connections, workdir)  # warm-up
            wrk(graphql, 2, args.connections, workdir, json.dumps(one_body))
            meter = CpuMeter(directory=directory.pid)
            rest, rest_cmd = wrk(rest_url, args.seconds, args.connections, workdir)
            rest_cpu = meter.per_request(int(rest * args.seconds))
            meter = CpuMeter(gateway=gateway.pid, directory=directory.pid)
            gql, gql_cmd = wrk(graphql, args.seconds, args.connections, workdir, json.dumps(one_body))
            gql_cpu = meter.per_request(int(gql * args.seconds))
        else:
            rest_cmd = gql_cmd = f"httpx, {args.connections} concurrent clients, {args.seconds}s"
            meter = CpuMeter(directory=directory.pid)
            rest = asyncio.run(httpx_rate("GET", rest_url, args.seconds, args.connections, None))
            rest_cpu = meter.per_request(int(rest * args.seconds))
            meter = CpuMeter(gateway=gateway.pid, directory=directory.pid)
            gql = asyncio.run(httpx_rate("POST", graphql, args.seconds, args.connections, one_body))
            gql_cpu = meter.per_request(int(gql * args.seconds))
        print(f"A  directory REST GET /organizations/{{id}}   {rest:8.0f} req/s   ({rest_cmd})")
        print(f"   {rest_cpu}")
        print(f"B  gateway organization(id) query           {gql:8.0f} req/s   ({gql_cmd})")
        print(f"   {gql_cpu}")
        print(
            f"   gateway / direct = {gql / rest:.0%}   (target >= 50%)  {'PASS' if gql >= rest / 2 else 'FAIL'}"
        )
        meter = CpuMeter(gateway=gateway.pid, directory=directory.pid)
        latencies, errors = asyncio.run(constant_rate(graphql, {"query": PAGE}, args.rate, args.seconds))
        page_cpu = meter.per_request(len(latencies))
        p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
        print(
            f"C  search page (20 organizations of one country, each with its country) at {args.rate} req/s "
            f"for {args.seconds}s ({len(latencies)} requests, {errors} errors): p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms, max {max(latencies) * 1000:.1f} ms  (target p99 <= 50 ms)  "
            f"{'PASS' if p99 <= 50 else 'FAIL'}"
        )
        print(f"   {page_cpu}")
        # The floor under C: the same page straight from directory at the same rate.
        meter = CpuMeter(directory=directory.pid)
        floor, floor_errors = asyncio.run(
            constant_rate(
                f"{directory_url}/organizations?country=MX&limit=20&fields={PAGE_FIELDS}",
                None,
                args.rate,
                args.seconds,
            )
        )
        print(
            f"C0 the same page from directory's REST directly at {args.rate} req/s ({floor_errors} errors): "
            f"p50 {percentile(floor, 50) * 1000:.1f} ms, p99 {percentile(floor, 99) * 1000:.1f} ms"
        )
        print(f"   {meter.per_request(len(floor))}")
        with open("/proc/loadavg") as f:
            print(f"load average during the run (other work on this machine): {f.read().split()[0]}")
        print(
            f"command: .venv/bin/python -m bench.gateway --seconds {args.seconds} --connections {args.connections} --rate {args.rate}"
        )
        print(f"machine: {os.cpu_count()} CPUs; logs in {workdir}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=15)
        redis.stop()
        nats.stop()


if __name__ == "__main__":
    main()

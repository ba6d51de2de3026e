"""Part A: registrations through the gateway at a fixed offered rate, timed until matching applied them.

Method. Requests leave on a fixed schedule (open loop: a slow answer never delays the next request, so
queueing shows up in the figures instead of lowering the rate). For each registration the clock starts
right before the GraphQL mutation is sent and stops when matching's consumer ACKS the event: the runner
acks only after the handler's transaction committed, and the benchmark sees each ack as a copy on core
NATS (a plain subscription to ``$JS.ACK.>``), so nothing polls matching while it works. The ack names the
stream sequence; after the run the stream tells which organization each sequence registered. All clocks
are this machine's wall clock. The broker's stored time of each message splits the latency into
"until published" (gateway + directory + relay) and the rest (delivery + matching's transaction).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass, field

import httpx
import nats

from bench.system import Slice

REGISTER = """
mutation Register($input: RegisterOrganizationInput!) {
  registerOrganization(input: $input) {
    __typename
    ... on RegisterOrganizationSuccess { organization { id } }
    ... on Error { code message }
  }
}
"""
SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { __typename ... on AuthPayload { accessToken } ... on Error { code message } }
}
"""
_refusals: list[str] = []
COUNTRIES = ("AR", "BO", "BR", "CL", "CO", "CR", "EC", "GT", "MX", "PE", "PY", "UY")


@dataclass
class Registrations:
    offered_rate: float
    sent: int = 0
    failed: list[str] = field(default_factory=list)
    response_ms: list[float] = field(default_factory=list)
    published_ms: list[float] = field(default_factory=list)
    handled_ms: list[float] = field(default_factory=list)
    delivered_ms: list[float] = field(default_factory=list)  # stored in JetStream -> handled in matching
    window_s: float = 0.0  # first send to last handled
    late_sends: int = 0  # requests the client itself sent more than 5 ms behind schedule
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU time per registration, per process

    @property
    def achieved_rate(self) -> float:
        return len(self.handled_ms) / self.window_s if self.window_s else 0.0


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process (Linux /proc); this process when pid is None."""
    if pid is None:
        return time.process_time()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    sl: Slice, nats_url: str, *, rate: float, seconds: float, warmup: int, pids: dict[str, int | None]
) -> Registrations:
    stream, durable = f"{sl.namespace.upper()}_DIRECTORY", f"{sl.namespace}_matching-from-directory"
    acks: dict[int, float] = {}

    async def on_ack(msg) -> None:  # type: ignore[no-untyped-def]
        seen = time.time()
        tokens = msg.subject.split(".")
        if stream in tokens and msg.data in (b"", b"+ACK"):
            i = tokens.index(stream)
            if tokens[i + 1] == durable:
                acks.setdefault(int(tokens[i + 3]), seen)

    nc = await nats.connect(nats_url)
    await nc.subscribe("$JS.ACK.>", cb=on_ack)
    result = Registrations(offered_rate=rate)
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so none is reused as it closes.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0)
    try:
        async with httpx.AsyncClient(timeout=15, limits=limits) as client:
            # Registering an organization needs a signed-in person: one account signs up first.
            client.headers["Authorization"] = f"Bearer {await _sign_up(client, sl.graphql)}"
            # Warm-up, not measured: connection pools, compiled statements, the consumer's first fetch.
            await asyncio.gather(*(_register(client, sl.graphql, f"warm-{i}") for i in range(warmup)))
            await asyncio.sleep(1.0)
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            sends = await _offer(client, sl.graphql, rate, seconds, result)
        records = await _stream_records(nc.jetstream(), stream, set(sends))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(seq in acks for seq, _ in records.values()):  # noqa: ASYNC110 (acks fill a dict)
            await asyncio.sleep(0.05)
        if sends:
            for name, pid in pids.items():
                result.cpu_ms[name] = (cpu_seconds(pid) - cpu_before[name]) * 1000 / len(sends)
    finally:
        await nc.close()
    first_send, last_ack = min(sent_at for sent_at, _ in sends.values()), 0.0
    for org_id, (sent_at, answered_at) in sends.items():
        result.response_ms.append((answered_at - sent_at) * 1000)
        seq, stored_at = records.get(org_id, (-1, 0.0))
        if seq not in acks:
            result.failed.append(f"{org_id}: never handled in matching")
            continue
        result.published_ms.append((stored_at - sent_at) * 1000)
        result.handled_ms.append((acks[seq] - sent_at) * 1000)
        result.delivered_ms.append((acks[seq] - stored_at) * 1000)
        last_ack = max(last_ack, acks[seq])
    result.window_s = last_ack - first_send
    return result


async def _offer(
    client: httpx.AsyncClient, url: str, rate: float, seconds: float, result: Registrations
) -> dict[str, tuple[float, float]]:
    sends: dict[str, tuple[float, float]] = {}  # organization id -> (sent at, answered at)
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> None:
        sent_at = time.time()
        try:
            org_id = await _register(client, url, f"bench-{run}-{i}")
        except httpx.HTTPError as exc:
            result.failed.append(f"registration {i}: {exc!r}")
            return
        if org_id is None:
            result.failed.append(f"registration {i} was refused")
        else:
            sends[org_id] = (sent_at, time.time())

    tasks = []
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if time.perf_counter() - due > 0.005:
            result.late_sends += 1
        tasks.append(asyncio.create_task(one(i)))
    result.sent = len(tasks)
    await asyncio.gather(*tasks)
    return sends


async def _sign_up(client: httpx.AsyncClient, url: str) -> str:
    account = {"email": f"bench-{uuid.uuid4().hex[:8]}@example.org", "password": "correct horse battery"}
    variables = {"input": account | {"displayName": "Benchmark"}}
    body = (await client.post(url, json={"query": SIGN_UP, "variables": variables})).json()
    outcome = (body.get("data") or {}).get("signUp") or {}
    if "accessToken" not in outcome:
        raise RuntimeError(f"sign-up through the gateway failed: {json.dumps(body)[:300]}")
    return outcome["accessToken"]


async def _register(client: httpx.AsyncClient, url: str, label: str) -> str | None:
    payload = {
        "kind": "SME",
        "name": f"Exportadora {label}",
        "country": COUNTRIES[hash(label) % len(COUNTRIES)],
    }
    response = await client.post(url, json={"query": REGISTER, "variables": {"input": payload}})
    body = response.json()
    outcome = (body.get("data") or {}).get("registerOrganization") or {}
    if outcome.get("__typename") != "RegisterOrganizationSuccess":
        if _refusals.append(label) or len(_refusals) <= 3:
            print(f"  registration refused: {response.status_code} {json.dumps(body)[:300]}")
        return None
    return outcome["organization"]["id"]


async def _stream_records(js, stream: str, organizations: set[str]) -> dict[str, tuple[int, float]]:  # type: ignore[no-untyped-def]
    """Organization id -> (stream sequence, stored time) of its organization.registered event."""
    info = await js.stream_info(stream)
    if not info.state.messages:
        return {}
    records: dict[str, tuple[int, float]] = {}
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream, seq)
        data = json.loads(msg.data)
        org = (data.get("data") or {}).get("organization_id")
        if org in organizations and data["type"].endswith("organization.registered.v1"):
            records[org] = (seq, msg.time.timestamp())
    return records

"""`match.found` to the notification on a GraphQL subscription: `.venv/bin/python -m bench.notifications_latency`.

An agency officer subscribed to matches in Costa Rica holds a graphql-transport-ws subscription
`notifications` open on the gateway. MatchFound events are published to JetStream at a fixed offered
rate, exactly as matching's outbox relay publishes them (CloudEvents JSON, Nats-Msg-Id = event id).
Each one is timed from just before its publish until the push carrying its match id arrives on the
WebSocket: broker (fsync before ack) -> notifications' durable consumer -> fan-out, inbox write and
commit -> live NATS subject -> gateway -> client. Target: p99 <= 100 ms at 200 events/s.

Notifications and the gateway run as uvicorn processes; nats-server and redis-server from the wheels;
SQLite in a temporary folder; everything on 127.0.0.1 free ports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import nats
import websockets

from bench import notifications_stack
from shared.events.matching import MatchFound


async def run(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="notifications-latency-") as tmp:
        stack = await asyncio.to_thread(
            notifications_stack.start,
            Path(tmp),
            ("notifications", "gateway"),
            {"CONSORCIA_NOTIFICATIONS_GROUP_WINDOW_S": str(args.group_window)},
        )
        try:
            return await measure(stack, args)
        finally:
            await asyncio.to_thread(stack.stop)


async def measure(stack: notifications_stack.Stack, args: argparse.Namespace) -> bool:
    officer = uuid.uuid4()
    token = stack.token(officer, "agency_officer")
    async with httpx.AsyncClient(base_url=stack.urls["notifications"]) as client:
        r = await client.post(
            "/subscriptions",
            headers={"authorization": f"Bearer {token}"},
            json={"kind": "match.found", "filters": {"countries": ["CR"]}},
        )
        r.raise_for_status()
    nc = await nats.connect(stack.nats_url)
    js = nc.jetstream()
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    host = stack.urls["gateway"].removeprefix("http://")
    async with websockets.connect(
        f"ws://{host}/graphql", subprotocols=["graphql-transport-ws"], max_queue=None
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": "subscription { notifications { id itemCount data } }"},
                }
            )
        )
        await asyncio.sleep(0.5)

        async def receive_direct() -> None:
            # --direct: the service's own push on the live NATS subject, without the gateway's hop.
            async def on_push(msg) -> None:  # type: ignore[no-untyped-def]
                now = time.perf_counter()
                arrived.setdefault((json.loads(msg.data).get("data") or {}).get("match_id", ""), now)

            await nc.subscribe(f"{stack.namespace}.live.notifications.user.{officer}", cb=on_push)
            await asyncio.Event().wait()

        async def receive() -> None:
            if args.direct:
                return await receive_direct()
            async for raw in ws:
                now = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "next":
                    data = message["payload"]["data"]["notifications"]["data"] or {}
                    arrived.setdefault(data.get("match_id", ""), now)

        receiver = asyncio.create_task(receive())

        async def publish(event: MatchFound) -> None:
            envelope = event.envelope()
            sent[str(event.match_id)] = time.perf_counter()
            await js.publish(
                f"{stack.namespace}.{event.spec.subject}",
                envelope.to_json(),
                headers={"Nats-Msg-Id": envelope.id},
            )

        cpu_before = {n: notifications_stack.cpu_seconds(p) for n, p in stack.procs.items()}
        total = args.warmup + int(args.rate * args.seconds)
        interval = 1.0 / args.rate
        start = time.perf_counter()
        tasks = []
        warm_ids: set[str] = set()
        for i in range(total):
            target = start + i * interval
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            event = MatchFound(
                match_id=uuid.uuid4(),
                match_type="partner",
                organization_id=uuid.uuid4(),
                counterpart_id=uuid.uuid4(),
                score=0.8,
                countries=["CR"],
                sectors=["cacao"],
            )
            if i < args.warmup:
                warm_ids.add(str(event.match_id))
            tasks.append(asyncio.create_task(publish(event)))
        await asyncio.gather(*tasks)
        offered_for = time.perf_counter() - start
        deadline = time.monotonic() + 10
        while len(arrived) < total and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        receiver.cancel()
        cpu = {n: notifications_stack.cpu_seconds(p) - cpu_before[n] for n, p in stack.procs.items()}
    await nc.close()

    measured = [(arrived[m] - sent[m]) * 1000 for m in sent if m in arrived and m not in warm_ids]
    missing = total - len(arrived)
    pct = notifications_stack.pct
    print(
        f"\nmatch.found -> GraphQL subscription, offered {args.rate:g}/s for {args.seconds:g} s "
        f"({total - args.warmup} measured after {args.warmup} warm-up; sent in {offered_for:.1f} s)"
    )
    print(f"  received {len(arrived)} of {total} pushes; missing {missing}")
    print(
        f"  latency  p50 {pct(measured, 50):6.1f} ms   p95 {pct(measured, 95):6.1f} ms   "
        f"p99 {pct(measured, 99):6.1f} ms   max {max(measured, default=float('nan')):6.1f} ms"
    )
    per_event = ", ".join(f"{n} {cpu[n] * 1000 / total:.2f} ms" for n in cpu)
    print(f"  CPU per event (process time, independent of load): {per_event}")
    ok = missing == 0 and pct(measured, 99) <= 100
    print(f"  target p99 <= 100 ms at 200/s: {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="events per second offered")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--direct",
        action="store_true",
        help="time the push on the live NATS subject instead of the GraphQL subscription",
    )
    parser.add_argument(
        "--group-window",
        type=float,
        default=60.0,
        help="burst grouping window of the service (0 = one notification per match)",
    )
    args = parser.parse_args()
    print(
        f"command: {shlex.join([sys.executable.split('/')[-1], '-m', 'bench.notifications_latency', *sys.argv[1:]])}"
    )
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = asyncio.run(run(args))
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

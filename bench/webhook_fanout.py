"""Webhook fan-out to a local receiver: `.venv/bin/python -m bench.webhook_fanout`.

Agency officers each register webhook endpoints for `match.found` (all pointing at one local
receiver, a real HTTP server on 127.0.0.1 in this process) and subscribe with the webhook channel.
MatchFound events are published to JetStream as matching publishes them; notifications fans each
event out to every endpoint through its durable delivery queue (database rows, signed Standard
Webhooks requests, delivery log). Measured: deliveries received per second, from the first publish
to the last delivery, and every delivery's signature is checked. Target: >= 500 deliveries/s.

Private targets are allowed for the run (CONSORCIA_NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE=true): the
receiver is on loopback. Everything else as in production: SQLite, uvicorn process, free ports.
"""

from __future__ import annotations

import argparse
import asyncio
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

from bench import notifications_stack
from services.notifications.webhooks.receiver import WebhookReceiver, verifies
from shared.events.matching import MatchFound


async def run(args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="webhook-fanout-") as tmp:
        stack = await asyncio.to_thread(
            notifications_stack.start,
            Path(tmp),
            ("notifications",),
            {
                "CONSORCIA_NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE": "true",
                "CONSORCIA_NOTIFICATIONS_DELIVERY_CONCURRENCY": str(args.concurrency),
                "CONSORCIA_NOTIFICATIONS_DELIVERY_BATCH": str(args.batch),
            },
        )
        try:
            return await measure(stack, args)
        finally:
            await asyncio.to_thread(stack.stop)


async def measure(stack: notifications_stack.Stack, args: argparse.Namespace) -> bool:
    done = asyncio.Event()
    expected = args.officers * args.endpoints * args.events
    first_seen: dict[str, float] = {}

    def on_request(request) -> None:  # type: ignore[no-untyped-def]
        first_seen.setdefault(request.headers.get("webhook-id", ""), time.perf_counter())
        if len(first_seen) >= expected:
            done.set()

    secrets: dict[str, str] = {}
    async with WebhookReceiver(on_request=on_request) as receiver:
        async with httpx.AsyncClient(base_url=stack.urls["notifications"]) as client:
            for _ in range(args.officers):
                headers = {"authorization": f"Bearer {stack.token(uuid.uuid4(), 'agency_officer')}"}
                for i in range(args.endpoints):
                    r = await client.post(
                        "/webhooks",
                        headers=headers,
                        json={"url": f"{receiver.url}/{i}", "kinds": ["match.found"]},
                    )
                    r.raise_for_status()
                    secrets[f"/hooks/consorcia/{i}@{r.json()['id']}"] = r.json()["secret"]
                r = await client.post(
                    "/subscriptions",
                    headers=headers,
                    json={
                        "kind": "match.found",
                        "filters": {"countries": ["CR"]},
                        "in_app": False,
                        "webhook": True,
                    },
                )
                r.raise_for_status()
        nc = await nats.connect(stack.nats_url)
        js = nc.jetstream()
        started = time.perf_counter()
        for _ in range(args.events):
            event = MatchFound(
                match_id=uuid.uuid4(),
                match_type="supplier",
                organization_id=uuid.uuid4(),
                counterpart_id=uuid.uuid4(),
                score=0.75,
                countries=["CR"],
                sectors=["cacao"],
            )
            envelope = event.envelope()
            await js.publish(
                f"{stack.namespace}.{event.spec.subject}",
                envelope.to_json(),
                headers={"Nats-Msg-Id": envelope.id},
            )
        published = time.perf_counter() - started
        try:
            await asyncio.wait_for(done.wait(), timeout=args.timeout)
        except TimeoutError:
            pass
        await nc.close()
        received = list(receiver.received)
    elapsed = (max(first_seen.values()) - started) if first_seen else float("nan")
    all_secrets = list(secrets.values())
    sample = received[:: max(1, len(received) // 200)]
    verified = sum(1 for r in sample if any(verifies(s, r) for s in all_secrets))
    rate = len(first_seen) / elapsed if first_seen else 0.0
    print(
        f"\nwebhook fan-out: {args.events} events x {args.officers} officers x {args.endpoints} endpoints "
        f"= {expected} deliveries expected (published in {published:.1f} s)"
    )
    print(
        f"  delivered {len(first_seen)} distinct webhook-ids ({len(received)} requests) in {elapsed:.2f} s "
        f"from the first publish"
    )
    print(f"  throughput {rate:,.0f} deliveries/s; signatures verified on a sample: {verified}/{len(sample)}")
    ok = len(first_seen) == expected and rate >= 500 and verified == len(sample)
    print(f"  target >= 500 deliveries/s: {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--endpoints", type=int, default=5, help="per officer")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    print(
        f"command: {shlex.join([sys.executable.split('/')[-1], '-m', 'bench.webhook_fanout', *sys.argv[1:]])}"
    )
    print(
        f"machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    raise SystemExit(0 if asyncio.run(run(args)) else 1)


if __name__ == "__main__":
    main()

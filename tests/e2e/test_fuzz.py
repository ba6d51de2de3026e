"""Schemathesis in GraphQL mode against the gateway in front of the running services.

The gateway under fuzz serves the session's running services through a gateway of this test's own,
with rate limits off (otherwise most generated requests would only measure the limiter) and
introspection on (schemathesis reads the schema by introspection).

The suite fails on any HTTP 5xx and on any `internal_error` answer (200, an exception the gateway had
to mask: a resolver bug). Expected failures with a stable code (`unauthenticated`,
`validation_error`...) are the errors model working, not findings: that is why schemathesis's
built-in GraphQL check (which counts any `errors` entry) is not the criterion here. Examples per
operation are bounded and the seed fixed, so the run is short and reproducible.
"""

from __future__ import annotations

import asyncio
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings

from gateway.config import GatewaySettings
from gateway.main import build_app
from tests.gateway.conftest import gateway_server
from tests.infra import unique_namespace

EXAMPLES_PER_OPERATION = 4
SEED = 20151005


def fuzz(url: str) -> tuple[int, list[str], list[str]]:
    """Runs in a thread: schemathesis's calls are blocking, the gateway serves on the test's loop."""
    schema = schemathesis.graphql.from_url(url)
    server_errors: list[str] = []
    masked_errors: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @seed(SEED)
        @given(case=operation.as_strategy())
        def probe(case: Any) -> None:
            nonlocal calls
            response = case.call(timeout=10)
            calls += 1
            try:
                body = response.json()
            except ValueError:
                body = {}
            masked = [
                e
                for e in body.get("errors") or []
                if (e.get("extensions") or {}).get("code") == "internal_error"
            ]
            finding = (
                f"{case.operation.label}: HTTP {response.status_code} {response.text[:300]}\n  {case.body}"
            )
            if response.status_code >= 500:
                server_errors.append(finding)
            elif masked:
                masked_errors.append(finding)

        probe()
    return calls, server_errors, masked_errors


async def test_fuzzing_the_gateway_finds_no_server_error(system, nats_server, redis_server):  # type: ignore[no-untyped-def]
    settings_ = GatewaySettings(
        nats_url=nats_server.url,
        redis_url=redis_server.url,
        namespace=unique_namespace(),
        **{f"{s}_url": system.urls[s] for s in ("directory", "matching", "forum", "notifications")},
        rate_limit_enabled=False,
        introspection=True,
    )
    async with gateway_server(build_app(settings_)) as host:
        calls, server_errors, masked = await asyncio.wait_for(
            asyncio.to_thread(fuzz, f"http://{host}/graphql"), timeout=110
        )
    assert calls >= 50
    assert not server_errors, f"{len(server_errors)} 5xx in {calls} requests:\n" + "\n".join(server_errors)
    assert not masked, f"{len(masked)} masked internal errors in {calls} requests:\n" + "\n".join(masked)

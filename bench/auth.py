"""Sign-in costs: argon2id per password check, and sign-in / refresh / authenticated reads through the gateway.

Directory runs in uvicorn on a free 127.0.0.1 port (SQLite), the gateway in process (ASGI), with
nats-server and redis-server from the wheels. Sequential requests (one client), so the figures are
latencies, not capacity.

    .venv/bin/python -m bench.auth
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import uvicorn

from bench.servers import free_port, start_nats, start_redis
from gateway.config import GatewaySettings
from gateway.main import build_app as build_gateway
from services.directory.accounts.passwords import hash_password, verify_password
from services.directory.config import DirectorySettings
from services.directory.main import build_app as build_directory
from shared.auth import generate_keypair

ROUNDS = 60
SESSION = "... on AuthPayload { accessToken refreshToken } ... on Error { code }"


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  (n={len(ordered)})"


async def main() -> None:
    hashed = await hash_password("correct horse battery")
    checks = []
    for _ in range(20):
        started = time.perf_counter()
        await verify_password(hashed, "correct horse battery")
        checks.append(time.perf_counter() - started)
    print(f"argon2id verify (argon2-cffi defaults):   {_ms(checks)}")

    with tempfile.TemporaryDirectory(prefix="bench-auth-") as tmp:
        work = Path(tmp)
        nats, nats_url = start_nats(work)
        redis, redis_url = start_redis(work)
        private, public = generate_keypair()
        ns = f"bench{uuid.uuid4().hex[:6]}"
        try:
            directory = build_directory(
                DirectorySettings(
                    database_url=f"sqlite+aiosqlite:///{work / 'directory.db'}",
                    nats_url=nats_url,
                    redis_url=redis_url,
                    namespace=ns,
                    jwt_public_key=public,
                    stale_check_interval_s=0,
                )
            )
            port = free_port()
            server = uvicorn.Server(
                uvicorn.Config(directory, host="127.0.0.1", port=port, log_level="warning")
            )
            task = asyncio.create_task(server.serve())
            while not server.started:  # noqa: ASYNC110  (uvicorn exposes no event)
                await asyncio.sleep(0.02)
            gateway = build_gateway(
                GatewaySettings(
                    nats_url=nats_url,
                    redis_url=redis_url,
                    namespace=ns,
                    jwt_private_key=private,
                    directory_url=f"http://127.0.0.1:{port}",
                    rate_limit_enabled=False,
                    log_level="WARNING",
                )
            )
            async with gateway.router.lifespan_context(gateway):
                transport = httpx.ASGITransport(app=gateway)
                async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                    await _measure(client)
            server.should_exit = True
            await task
        finally:
            nats.stop()
            redis.stop()
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("command: .venv/bin/python -m bench.auth")


async def _measure(client: httpx.AsyncClient) -> None:
    async def gql(query: str, token: str | None = None, **variables: str) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()["data"]

    email, password = "bench@example.org", "correct horse battery"
    signed = await gql(
        f'mutation($e: String!, $p: String!) {{ signUp(input: {{email: $e, password: $p, displayName: "B"}}) {{ {SESSION} }} }}',
        e=email,
        p=password,
    )
    refresh = signed["signUp"]["refreshToken"]
    sign_in, rotate, me = [], [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        data = await gql(
            f"mutation($e: String!, $p: String!) {{ signIn(email: $e, password: $p) {{ {SESSION} }} }}",
            e=email,
            p=password,
        )
        sign_in.append(time.perf_counter() - started)
        access = data["signIn"]["accessToken"]
        started = time.perf_counter()
        data = await gql(
            f"mutation($t: String!) {{ refreshToken(refreshToken: $t) {{ {SESSION} }} }}", t=refresh
        )
        rotate.append(time.perf_counter() - started)
        refresh = data["refreshToken"]["refreshToken"]
        started = time.perf_counter()
        await gql("{ me { id roles } }", token=access)
        me.append(time.perf_counter() - started)
    print(f"signIn through the gateway:              {_ms(sign_in)}")
    print(f"refreshToken (rotation + account read):  {_ms(rotate)}")
    print(f"me with a bearer token (verify + call):  {_ms(me)}")


if __name__ == "__main__":
    asyncio.run(main())

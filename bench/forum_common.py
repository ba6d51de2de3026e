"""Helpers shared by the forum benchmarks: a real forum process on 127.0.0.1, tokens, percentiles."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from bench.servers import free_port
from shared.auth import Principal, TokenIssuer, generate_keypair


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def figures(label: str, ms: list[float]) -> str:
    return (
        f"{label}: n={len(ms)} p50={pct(ms, 50):.2f} ms p95={pct(ms, 95):.2f} ms p99={pct(ms, 99):.2f} ms "
        f"max={max(ms):.2f} ms"
    )


class Forum:
    """`uvicorn services.forum.main:app` as its own process, as `make run` starts it."""

    def __init__(self, workdir: Path, database_url: str, nats_url: str, redis_url: str) -> None:
        private, public = generate_keypair()
        self.issuer = TokenIssuer(private)
        (workdir / "jwt-public.pem").write_text(public)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ | {
            "CONSORCIA_FORUM_DATABASE_URL": database_url,
            "CONSORCIA_NATS_URL": nats_url,
            "CONSORCIA_REDIS_URL": redis_url,
            "CONSORCIA_NAMESPACE": f"b{uuid.uuid4().hex[:8]}",
            "CONSORCIA_JWT_PUBLIC_KEY_FILE": str(workdir / "jwt-public.pem"),
            "CONSORCIA_LOG_LEVEL": "WARNING",
            "CONSORCIA_FORUM_SEED_ON_START": "false",
        }
        self.log = (workdir / f"forum-{self.port}.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "services.forum.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"forum exited; see {self.log.name}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"forum not ready; see {self.log.name}")

    def token(self, name: str, *roles: str) -> tuple[uuid.UUID, str]:
        principal = Principal(user_id=uuid.uuid4(), roles=frozenset(roles), display_name=name)
        return principal.user_id, self.issuer.access_token(principal)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.log.close()

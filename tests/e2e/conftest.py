"""The running system for end-to-end tests: four services and the gateway as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.infra import free_port, unique_namespace

SERVICES = ("directory", "matching", "forum", "notifications")


@dataclass
class System:
    urls: dict[str, str]
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def mail_dir(self) -> Path:
        return self.logs / "mail"

    @property
    def graphql(self) -> str:
        return self.urls["gateway"] + "/graphql"

    def log_tail(self, name: str, lines: int = 30) -> str:
        return "\n".join((self.logs / f"{name}.log").read_text().splitlines()[-lines:])


@pytest.fixture(scope="session")
def system(nats_server, redis_server, tmp_path_factory, signing_keys) -> Iterator[System]:  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("system")
    # The same key contract as `make run`: the gateway signs, every service verifies (docs/accounts.md).
    (workdir / "jwt-private.pem").write_text(signing_keys.private)
    (workdir / "jwt-public.pem").write_text(signing_keys.public)
    ports = {name: free_port() for name in (*SERVICES, "gateway")}
    system = System(urls={n: f"http://127.0.0.1:{p}" for n, p in ports.items()}, logs=workdir)
    env = os.environ | {
        "CONSORCIA_NATS_URL": nats_server.url,
        "CONSORCIA_REDIS_URL": redis_server.url,
        "CONSORCIA_NAMESPACE": unique_namespace(),
        "CONSORCIA_JWT_PUBLIC_KEY_FILE": str(workdir / "jwt-public.pem"),
        "CONSORCIA_GATEWAY_JWT_PRIVATE_KEY_FILE": str(workdir / "jwt-private.pem"),
        "CONSORCIA_FORUM_SEED_ON_START": "true",
        # As `make run`: mail lands in a sink folder and webhooks may reach the test's local receiver.
        "CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR": str(workdir / "mail"),
        "CONSORCIA_NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE": "true",
        # A short burst window, so a grouped alert's immediate e-mail leaves within the test's time.
        "CONSORCIA_NOTIFICATIONS_GROUP_WINDOW_S": "1",
        **{f"CONSORCIA_{s.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / s}.db" for s in SERVICES},
        **{f"CONSORCIA_GATEWAY_{s.upper()}_URL": system.urls[s] for s in SERVICES},
    }
    for name in (*SERVICES, "gateway"):
        module = "gateway.main:app" if name == "gateway" else f"services.{name}.main:app"
        system.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(ports[name])],
            env=env,
            stdout=(workdir / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
    try:
        for name in (*SERVICES, "gateway"):
            _wait_ready(system, name)
        yield system
    finally:
        for proc in system.procs.values():
            proc.terminate()
        for proc in system.procs.values():
            proc.wait(timeout=15)


def _wait_ready(system: System, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if system.procs[name].poll() is not None:
            raise RuntimeError(f"{name} exited:\n{system.log_tail(name)}")
        try:
            if httpx.get(system.urls[name] + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{name} not ready after {timeout}s:\n{system.log_tail(name)}")

"""The running slice for a benchmark: directory, matching and the gateway as real uvicorn processes.

Each process gets its own free port, a SQLite file in the benchmark's temporary folder, one namespace on
the benchmark's broker, and a fresh Ed25519 key pair for access tokens; logs go to files there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.servers import free_port
from shared.auth import generate_keypair

APPS = {
    "directory": "services.directory.main:app",
    "matching": "services.matching.main:app",
    "gateway": "gateway.main:app",
}
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Slice:
    workdir: Path
    namespace: str
    urls: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def graphql(self) -> str:
        return self.urls["gateway"] + "/graphql"

    def log_tail(self, name: str, lines: int = 25) -> str:
        return "\n".join((self.workdir / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_slice(workdir: Path, nats_url: str, redis_url: str) -> Slice:
    ports = {name: free_port() for name in APPS}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    private, public = generate_keypair()
    (workdir / "jwt-private.pem").write_text(private)
    (workdir / "jwt-public.pem").write_text(public)
    env = os.environ | {
        "PYTHONUNBUFFERED": "1",
        "CONSORCIA_NATS_URL": nats_url,
        "CONSORCIA_REDIS_URL": redis_url,
        "CONSORCIA_NAMESPACE": namespace,
        "CONSORCIA_LOG_LEVEL": "WARNING",
        "CONSORCIA_JWT_PUBLIC_KEY_FILE": str(workdir / "jwt-public.pem"),
        "CONSORCIA_GATEWAY_JWT_PRIVATE_KEY_FILE": str(workdir / "jwt-private.pem"),
        # One client offers 100 registrations/s from one address: the per-address limit would measure
        # itself, not the pipeline.
        "CONSORCIA_GATEWAY_RATE_LIMIT_ENABLED": "false",
        "CONSORCIA_GATEWAY_DIRECTORY_URL": urls["directory"],
        "CONSORCIA_GATEWAY_MATCHING_URL": urls["matching"],
        # Not started; pointed at ports nobody listens on rather than a developer's `make run`.
        "CONSORCIA_GATEWAY_FORUM_URL": f"http://127.0.0.1:{free_port()}",
        "CONSORCIA_GATEWAY_NOTIFICATIONS_URL": f"http://127.0.0.1:{free_port()}",
        **{f"CONSORCIA_{s.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / s}.db" for s in APPS},
    }
    sl = Slice(workdir, namespace, urls)
    for name, module in APPS.items():
        argv = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(ports[name])]
        sl.procs[name] = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=(workdir / f"{name}.log").open("wb"), stderr=subprocess.STDOUT
        )
    try:
        for name in APPS:
            # The gateway's /readyz asks every service, and forum and notifications are not running.
            _wait(sl, name, "/healthz" if name == "gateway" else "/readyz")
    except BaseException:
        sl.stop()
        raise
    return sl


def _wait(sl: Slice, name: str, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sl.procs[name].poll() is not None:
            raise RuntimeError(f"{name} exited:\n{sl.log_tail(name)}")
        try:
            if httpx.get(sl.urls[name] + path, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{name} not ready after {timeout}s:\n{sl.log_tail(name)}")

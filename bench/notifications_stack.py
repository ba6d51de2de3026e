"""What the notifications benchmarks run: nats-server, redis-server, notifications (and the gateway) as
real uvicorn processes on free 127.0.0.1 ports, SQLite files in a temporary folder, fresh token keys."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import servers
from shared.auth import Principal, TokenIssuer, generate_keypair

ROOT = Path(__file__).resolve().parents[1]
MODULES = {"notifications": "services.notifications.main:app", "gateway": "gateway.main:app"}


@dataclass
class Stack:
    workdir: Path
    namespace: str
    nats_url: str
    issuer: TokenIssuer
    urls: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    infra: list[servers.Server] = field(default_factory=list)

    def token(self, user_id: uuid.UUID, *roles: str) -> str:
        return self.issuer.access_token(Principal(user_id=user_id, roles=frozenset(roles)))

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
        for server in self.infra:
            server.stop()


def start(workdir: Path, apps: tuple[str, ...], extra_env: dict[str, str] | None = None) -> Stack:
    nats, nats_url = servers.start_nats(workdir)
    redis, redis_url = servers.start_redis(workdir)
    private, public = generate_keypair()
    (workdir / "jwt-private.pem").write_text(private)
    (workdir / "jwt-public.pem").write_text(public)
    stack = Stack(
        workdir, f"bench{uuid.uuid4().hex[:8]}", nats_url, TokenIssuer(private), infra=[nats, redis]
    )
    ports = {name: servers.free_port() for name in apps}
    stack.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    unused = f"http://127.0.0.1:{servers.free_port()}"
    env = os.environ | {
        "PYTHONUNBUFFERED": "1",
        "CONSORCIA_NATS_URL": nats_url,
        "CONSORCIA_REDIS_URL": redis_url,
        "CONSORCIA_NAMESPACE": stack.namespace,
        "CONSORCIA_LOG_LEVEL": "WARNING",
        "CONSORCIA_JWT_PUBLIC_KEY_FILE": str(workdir / "jwt-public.pem"),
        "CONSORCIA_GATEWAY_JWT_PRIVATE_KEY_FILE": str(workdir / "jwt-private.pem"),
        "CONSORCIA_GATEWAY_RATE_LIMIT_ENABLED": "false",
        "CONSORCIA_GATEWAY_NOTIFICATIONS_URL": stack.urls.get("notifications", unused),
        **{f"CONSORCIA_GATEWAY_{s.upper()}_URL": unused for s in ("directory", "matching", "forum")},
        "CONSORCIA_NOTIFICATIONS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'notifications.db'}",
        "CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR": str(workdir / "mail"),
        **(extra_env or {}),
    }
    try:
        for name in apps:
            argv = [
                sys.executable,
                "-m",
                "uvicorn",
                MODULES[name],
                "--host",
                "127.0.0.1",
                "--port",
                str(ports[name]),
                "--log-level",
                "warning",
            ]
            stack.procs[name] = subprocess.Popen(
                argv, env=env, cwd=ROOT, stdout=(workdir / f"{name}.log").open("wb"), stderr=subprocess.STDOUT
            )
        for name in apps:
            _wait(stack, name, "/healthz" if name == "gateway" else "/readyz")
    except BaseException:
        stack.stop()
        raise
    return stack


def _wait(stack: Stack, name: str, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.procs[name].poll() is not None:
            raise RuntimeError(f"{name} exited:\n{stack.log_tail(name)}")
        try:
            if httpx.get(stack.urls[name] + path, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{name} not ready after {timeout}s:\n{stack.log_tail(name)}")


def cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    """User + system CPU time of a process so far (Linux /proc), independent of the machine's load."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

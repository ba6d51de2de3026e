"""What to run: ports, environment and readiness probe of each component, per the runtime contract."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from deploy.embedded import infra
from deploy.embedded.ports import HOST, PortWish
from deploy.embedded.processes import ProcessSpec
from deploy.embedded.vardir import Layout

SERVICES = ("directory", "matching", "forum", "notifications")
APPS = (*SERVICES, "gateway")
INFRA = ("nats", "redis")
COMPONENTS = (*INFRA, *APPS)
# Start order, one step at a time: directory's stream exists before its consumers start, and the
# gateway comes last so that its readiness reflects services that are already up.
START_ORDER = (("nats", "redis"), *((s,) for s in SERVICES), ("gateway",))
# Stop order: nothing new comes in first, the broker goes last so the services can drain to it.
STOP_ORDER = (("gateway",), SERVICES, ("redis",), ("nats",))
ASGI_APPS = {name: f"services.{name}.main:app" for name in SERVICES} | {"gateway": "gateway.main:app"}
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Options:
    var_dir: Path
    base_port: int = 8400
    nats_port: int = 14222
    nats_monitor_port: int | None = None  # default: nats_port + 4000 (18222)
    redis_port: int = 16379
    seed: bool = True
    only: tuple[str, ...] = COMPONENTS

    @property
    def monitor_port(self) -> int:
        return self.nats_monitor_port if self.nats_monitor_port is not None else self.nats_port + 4000

    def app_port(self, name: str) -> int:
        return self.base_port if name == "gateway" else self.base_port + 1 + SERVICES.index(name)

    @property
    def selected(self) -> tuple[str, ...]:
        # The apps cannot run without the broker and the cache, so those always come along.
        wanted = set(self.only) | (set(INFRA) if set(self.only) & set(APPS) else set())
        return tuple(name for name in COMPONENTS if name in wanted)


@dataclass
class Component:
    name: str
    spec: ProcessSpec
    probe: Callable[[], Awaitable[bool]]
    url: str
    ready_when: str  # what the probe waits for, in words, for the "never got ready" message


def port_wishes(opts: Options) -> list[PortWish]:
    wishes = []
    for name in opts.selected:
        if name == "nats":
            wishes.append(PortWish(opts.nats_port, "NATS", "--nats-port"))
            wishes.append(PortWish(opts.monitor_port, "NATS monitoring", "--nats-monitor-port"))
        elif name == "redis":
            wishes.append(PortWish(opts.redis_port, "Redis", "--redis-port"))
        else:
            flag = "--base-port (gateway on N, services on N+1..N+4)"
            wishes.append(PortWish(opts.app_port(name), name, flag))
    return wishes


def app_env(opts: Options, layout: Layout) -> dict[str, str]:
    """One environment for every app: each reads only the variables with its own prefix."""
    nats_url = f"nats://{HOST}:{opts.nats_port}"
    redis_url = f"redis://{HOST}:{opts.redis_port}/0"
    env = dict(os.environ)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",  # log lines must reach the console as they happen
            "CONSORCIA_NATS_URL": nats_url,
            "CONSORCIA_REDIS_URL": redis_url,
        }
    )
    for name in APPS:
        # Per-service overrides too: a CONSORCIA_<SVC>_NATS_URL left in the shell or a .env
        # file would otherwise point one service at another broker.
        prefix = f"CONSORCIA_{name.upper()}_"
        env[prefix + "NATS_URL"] = nats_url
        env[prefix + "REDIS_URL"] = redis_url
        if name in SERVICES:
            env[prefix + "DATABASE_URL"] = f"sqlite+aiosqlite:///{layout.database(name)}"
            env[prefix + "MIGRATE_ON_START"] = "true"
            env[f"CONSORCIA_GATEWAY_{name.upper()}_URL"] = f"http://{HOST}:{opts.app_port(name)}"
    env["CONSORCIA_DIRECTORY_SEED_ON_START"] = "true" if opts.seed else "false"
    env["CONSORCIA_FORUM_SEED_ON_START"] = "true" if opts.seed else "false"
    private_key, public_key = layout.keys_dir / "jwt-private.pem", layout.keys_dir / "jwt-public.pem"
    env["CONSORCIA_JWT_PUBLIC_KEY_FILE"] = str(public_key)
    env["CONSORCIA_GATEWAY_JWT_PRIVATE_KEY_FILE"] = str(private_key)
    # E-mail lands in a local sink folder (one .eml per message) instead of a real SMTP server.
    env["CONSORCIA_NOTIFICATIONS_MAIL_SINK_DIR"] = str(layout.mail_dir)
    # A developer's local webhook receiver (python -m services.notifications.webhooks.receiver) is on
    # loopback; outside the embedded default the SSRF guard refuses private and loopback targets.
    env["CONSORCIA_NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE"] = "true"
    env["CONSORCIA_NOTIFICATIONS_PUBLIC_URL"] = f"http://{HOST}:{opts.app_port('notifications')}"
    env["CONSORCIA_NOTIFICATIONS_APP_URL"] = f"http://{HOST}:{opts.app_port('gateway')}"
    return env


def build(opts: Options, layout: Layout) -> dict[str, Component]:
    """Raises infra.MissingBinary if a server binary is missing (nothing started yet)."""
    components: dict[str, Component] = {}
    selected = opts.selected
    if "nats" in selected:
        argv = infra.nats_argv(layout, opts.nats_port, opts.monitor_port)
        healthz = f"http://{HOST}:{opts.monitor_port}/healthz"
        components["nats"] = Component(
            "nats",
            ProcessSpec("nats", argv),
            lambda: infra.http_ok(healthz),
            f"nats://{HOST}:{opts.nats_port}  (monitoring http://{HOST}:{opts.monitor_port})",
            f"GET {healthz} to answer 200",
        )
    if "redis" in selected:
        argv = infra.redis_argv(layout, opts.redis_port)
        components["redis"] = Component(
            "redis",
            ProcessSpec("redis", argv),
            lambda: infra.redis_ping(opts.redis_port),
            f"redis://{HOST}:{opts.redis_port}/0",
            f"PING on {HOST}:{opts.redis_port} to answer PONG",
        )
    env = app_env(opts, layout)
    for name in APPS:
        if name not in selected:
            continue
        port = opts.app_port(name)
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            ASGI_APPS[name],
            "--host",
            HOST,
            "--port",
            str(port),
            # Below our own 10 s stop timeout, so open GraphQL subscriptions cannot force a SIGKILL.
            "--timeout-graceful-shutdown",
            "7",
        ]
        readyz = f"http://{HOST}:{port}/readyz"
        components[name] = Component(
            name,
            ProcessSpec(name, argv, env, REPO_ROOT),
            lambda url=readyz: infra.http_ok(url),
            f"http://{HOST}:{port}",
            f"GET {readyz} to answer 200",
        )
    return components

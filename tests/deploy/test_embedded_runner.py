"""The embedded runner (`python -m deploy.embedded`) against real nats-server and redis-server.

Only OS-chosen free ports are used, never the embedded defaults (8400-8404, 14222, 16379, 18222)
nor the standard ones: a developer may be running `make run` on the same machine.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import nats
import pytest
import redis.asyncio as aioredis

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from deploy.embedded import plan, vardir  # noqa: E402
from deploy.embedded.logs import Console, render  # noqa: E402
from deploy.embedded.processes import ManagedProcess, ProcessSpec, RestartPolicy  # noqa: E402
from deploy.embedded.runner import Runner  # noqa: E402

RESERVED = {4222, 5432, 6379, 14222, 16379, 18222, *range(8400, 8405)}


def free_ports(count: int) -> list[int]:
    held, ports = [], []
    while len(ports) < count:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        if port in RESERVED or port in ports:
            sock.close()
            continue
        held.append(sock)
        ports.append(port)
    for sock in held:
        sock.close()
    return ports


def runner_env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}


async def spawn_runner(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "deploy.embedded",
        *args,
        cwd=REPO_ROOT,
        env=runner_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def read_until(proc: asyncio.subprocess.Process, marker: str, seen: list[str]) -> None:
    async def scan() -> None:
        while True:
            raw = await proc.stdout.readline()
            if not raw:
                raise AssertionError(f"runner ended before {marker!r}:\n" + "\n".join(seen))
            seen.append(raw.decode().rstrip("\n"))
            if marker in seen[-1]:
                return

    await asyncio.wait_for(scan(), 10)


async def stop_runner(proc: asyncio.subprocess.Process, sig: int, seen: list[str]) -> int:
    proc.send_signal(sig)
    rest, _ = await asyncio.wait_for(proc.communicate(), 15)
    seen.extend(rest.decode().splitlines())
    return proc.returncode


# --- log rendering ------------------------------------------------------------------------------


def test_json_line_is_rendered_readably() -> None:
    line = (
        '{"ts": "2026-05-06T14:03:07.123456", "level": "INFO", "logger": "directory.outbox", '
        '"message": "published events", "service": "directory", "count": 3, '
        '"correlation_id": "c-1", "note": "two words"}'
    )
    assert render(line) == '14:03:07 INFO  published events count=3 correlation_id=c-1 note="two words"'


def test_json_line_with_warning_and_traceback() -> None:
    line = (
        '{"ts": "2026-05-06T14:03:07Z", "level": "WARNING", "logger": "x", "message": "retrying", '
        '"exc_info": "Traceback (most recent call last):\\nValueError: boom", "attempt": null}'
    )
    first, *rest = render(line).split("\n")
    assert first.endswith("WARN  retrying")
    assert rest == ["    Traceback (most recent call last):", "    ValueError: boom"]


@pytest.mark.parametrize(
    "line",
    [
        "[9224] 2026/11/29 05:28:51.206212 [INF] Server is ready",
        '{"not": "a log record"}',
        "{broken json}",
        "",
    ],
)
def test_other_lines_are_printed_as_they_are(line: str) -> None:
    assert render(line) == line


def test_console_prefixes_are_padded_and_colour_is_optional() -> None:
    out = io.StringIO()
    console = Console(["nats", "notifications"], stream=out, color=False)
    console.child("nats", "hello")
    console.say("ready")
    assert out.getvalue() == "nats          | hello\nconsorcia     | ready\n"
    coloured = Console(["nats"], stream=io.StringIO(), color=True)
    assert "\033[" in coloured.prefix("nats")


# --- supervision --------------------------------------------------------------------------------


async def test_crashing_child_is_restarted_with_backoff_then_given_up() -> None:
    out = io.StringIO()
    gave_up = asyncio.Event()
    spec = ProcessSpec("crasher", [sys.executable, "-c", "print('boom'); raise SystemExit(3)"])
    policy = RestartPolicy(max_crashes=3, window=60, backoff_start=0.05, backoff_max=0.1)
    proc = ManagedProcess(spec, Console(["crasher"], out, color=False), policy, lambda p: gave_up.set())
    proc.start()
    await asyncio.wait_for(gave_up.wait(), 10)
    await proc.stop()
    text = out.getvalue()
    assert proc.gave_up and proc.restarts == 2
    assert text.count("crasher   | boom") == 3
    assert "exited unexpectedly (exit code 3); restarting in 0.05s" in text
    assert "restarting in 0.1s" in text  # doubled, capped at backoff_max
    assert "exited 3 times within 60s" in text and "giving up" in text


async def test_stop_escalates_to_sigkill_when_sigterm_is_ignored() -> None:
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"
    out = io.StringIO()
    proc = ManagedProcess(
        ProcessSpec("stubborn", [sys.executable, "-c", code]),
        Console(["stubborn"], out, color=False),
        RestartPolicy(stop_timeout=0.5),
    )
    proc.start()
    for _ in range(100):
        if "up" in proc.tail:
            break
        await asyncio.sleep(0.05)
    child = proc.proc
    await proc.stop()
    assert child.returncode == -signal.SIGKILL
    assert "did not stop within 0.5s; killing it" in out.getvalue()
    assert "exited unexpectedly" not in out.getvalue()


async def test_runner_stops_everything_when_a_component_keeps_crashing() -> None:
    async def never_ready() -> bool:
        return False

    crash = ProcessSpec("directory", [sys.executable, "-c", "print('no database'); raise SystemExit(1)"])
    component = plan.Component("directory", crash, never_ready, "http://x", "GET /readyz to answer 200")
    out = io.StringIO()
    policy = RestartPolicy(max_crashes=3, backoff_start=0.05)
    runner = Runner({"directory": component}, Console(["directory"], out, color=False), "/tmp/x", 30, policy)
    assert await asyncio.wait_for(runner.run(), 10) == 1
    text = out.getvalue()
    assert "directory keeps crashing, so the whole system stops." in text
    assert "Last lines from directory:\nconsorcia | " in text and "no database" in text
    assert text.endswith("consorcia | stopped after an error (see above)\n")
    assert "Consorcia is running" not in text


# --- the plan -----------------------------------------------------------------------------------


def test_services_get_the_contract_environment(tmp_path: Path) -> None:
    opts = plan.Options(var_dir=tmp_path, base_port=30400, nats_port=30222, redis_port=30379, seed=False)
    env = plan.app_env(opts, vardir.Layout(tmp_path))
    assert env["CONSORCIA_NATS_URL"] == "nats://127.0.0.1:30222"
    assert env["CONSORCIA_MATCHING_REDIS_URL"] == "redis://127.0.0.1:30379/0"
    assert env["CONSORCIA_FORUM_DATABASE_URL"] == f"sqlite+aiosqlite:///{tmp_path}/data/forum.db"
    assert env["CONSORCIA_NOTIFICATIONS_MIGRATE_ON_START"] == "true"
    assert env["CONSORCIA_DIRECTORY_SEED_ON_START"] == "false"
    assert env["CONSORCIA_GATEWAY_NOTIFICATIONS_URL"] == "http://127.0.0.1:30404"
    assert [w.port for w in plan.port_wishes(opts)] == [30222, 34222, 30379, *range(30401, 30405), 30400]
    only = plan.Options(var_dir=tmp_path, only=("forum",))
    assert only.selected == ("nats", "redis", "forum")


# --- pre-flight checks --------------------------------------------------------------------------


async def test_taken_port_exits_with_code_2_and_a_clear_message(tmp_path: Path) -> None:
    nats_port, monitor_port, redis_port, taken = free_ports(4)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        proc = await spawn_runner(
            "--var-dir",
            str(tmp_path / "var"),
            "--base-port",
            str(taken),
            "--nats-port",
            str(nats_port),
            "--nats-monitor-port",
            str(monitor_port),
            "--redis-port",
            str(redis_port),
        )
        output, _ = await asyncio.wait_for(proc.communicate(), 10)
    text = output.decode()
    assert proc.returncode == 2, text
    assert f"port {taken} on 127.0.0.1 is already in use (needed by gateway)" in text
    assert "--base-port" in text
    assert "Traceback" not in text


async def test_var_dir_used_by_another_runner_exits_with_code_2(tmp_path: Path) -> None:
    lock = vardir.acquire_lock(tmp_path)
    try:
        proc = await spawn_runner(
            "--var-dir", str(tmp_path), "--only", "redis", "--redis-port", str(free_ports(1)[0])
        )
        output, _ = await asyncio.wait_for(proc.communicate(), 10)
    finally:
        lock.close()
    assert proc.returncode == 2
    assert f"already used by another deploy.embedded (pid {os.getpid()})" in output.decode()


def test_reset_deletes_only_what_the_runner_owns(tmp_path: Path) -> None:
    layout = vardir.Layout(tmp_path)
    layout.create()
    layout.database("forum").write_text("x")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(vardir.VarDirError, match="cancelled"):
        vardir.reset(tmp_path, assume_yes=False, ask=lambda question: "n")
    assert layout.database("forum").exists()
    deleted = vardir.reset(tmp_path, assume_yes=True)
    assert sorted(p.name for p in deleted) == ["data", "keys", "mail", "nats", "redis"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# --- the infrastructure for real ----------------------------------------------------------------


async def test_infra_runs_jetstream_and_redis_stops_cleanly_and_keeps_data(tmp_path: Path) -> None:
    nats_port, monitor_port, redis_port = free_ports(3)
    args = [
        "--only",
        "nats",
        "redis",
        "--var-dir",
        str(tmp_path / "var"),
        "--nats-port",
        str(nats_port),
        "--nats-monitor-port",
        str(monitor_port),
        "--redis-port",
        str(redis_port),
    ]

    seen: list[str] = []
    proc = await spawn_runner(*args)
    await read_until(proc, "Ctrl-C to stop", seen)
    nc = await nats.connect(f"nats://127.0.0.1:{nats_port}")
    js = nc.jetstream()
    await js.add_stream(name="EMBEDDED_TEST", subjects=["embedded-test.>"])
    ack = await js.publish("embedded-test.hello", b"kept across restarts")
    assert ack.seq == 1
    await nc.close()
    async with httpx.AsyncClient(trust_env=False) as client:
        varz = (await client.get(f"http://127.0.0.1:{monitor_port}/varz")).json()
    assert varz["jetstream"]["config"]["sync_always"] is True  # fsync before every ack
    cache = aioredis.Redis(host="127.0.0.1", port=redis_port)
    assert await cache.ping()
    await cache.set("embedded-test", "kept")
    await cache.aclose()

    assert await stop_runner(proc, signal.SIGINT, seen) == 0
    assert seen[-1].endswith("| stopped")
    stopping = [line for line in seen if "| stopping " in line]
    assert stopping == ["consorcia | stopping redis", "consorcia | stopping nats"]  # NATS last
    assert "Traceback" not in "\n".join(seen)
    assert (tmp_path / "var" / "nats.conf").read_text().count("sync_interval: always") == 1

    # A second run finds the stream, the message and the Redis key where the first run left them.
    seen = []
    proc = await spawn_runner(*args)
    await read_until(proc, "Ctrl-C to stop", seen)
    nc = await nats.connect(f"nats://127.0.0.1:{nats_port}")
    info = await nc.jetstream().stream_info("EMBEDDED_TEST")
    await nc.close()
    assert info.state.messages == 1
    cache = aioredis.Redis(host="127.0.0.1", port=redis_port)
    assert await cache.get("embedded-test") == b"kept"
    await cache.aclose()
    assert await stop_runner(proc, signal.SIGTERM, seen) == 0
    assert seen[-1].endswith("| stopped")

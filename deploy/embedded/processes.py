"""Supervised child processes: output pumping, restart with backoff, give-up, orderly stop."""

from __future__ import annotations

import asyncio
import collections
import ctypes
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deploy.embedded.logs import Console

_PR_SET_PDEATHSIG = 1
# Resolved in the parent: looking a symbol up after fork() could deadlock on the loader's lock.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    # Children run in their own session (so a terminal Ctrl-C reaches only the runner, which then
    # stops them in order); if the runner is SIGKILLed this still takes them down with it.
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path | None = None


@dataclass
class RestartPolicy:
    max_crashes: int = 5  # within `window` seconds, then give up
    window: float = 60.0
    backoff_start: float = 1.0
    backoff_max: float = 30.0
    stop_timeout: float = 10.0  # SIGTERM, then SIGKILL after this long


class ManagedProcess:
    def __init__(
        self,
        spec: ProcessSpec,
        console: Console,
        policy: RestartPolicy | None = None,
        on_give_up: Callable[[ManagedProcess], None] | None = None,
    ):
        self.spec = spec
        self.name = spec.name
        self.console = console
        self.policy = policy or RestartPolicy()
        self.on_give_up = on_give_up
        self.tail: collections.deque[str] = collections.deque(maxlen=30)
        self.proc: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self.gave_up = False
        self._crashes: collections.deque[float] = collections.deque()
        self._consecutive = 0
        self._stopping = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"supervise-{self.name}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self.running:
            await self._terminate(self.proc)
        if self._task is not None:
            await self._task

    def kill(self) -> None:
        """Second Ctrl-C: no more waiting for graceful shutdown."""
        self._stopping = True
        self._wake.set()
        if self.running:
            self._signal(self.proc, signal.SIGKILL)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            started = loop.time()
            returncode = await self._run_once()
            if self._stopping:
                return
            if not self._should_restart(loop.time(), loop.time() - started, returncode):
                return
            delay = min(self.policy.backoff_max, self.policy.backoff_start * 2 ** (self._consecutive - 1))
            self.console.say(
                f"{self.name} exited unexpectedly ({self._describe(returncode)}); "
                f"restarting in {delay:g}s (restart #{self.restarts + 1})"
            )
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
                return  # woken up: we are stopping
            except TimeoutError:
                self.restarts += 1

    async def _run_once(self) -> int | None:
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.spec.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=self.spec.env,
                cwd=self.spec.cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent,
                limit=1 << 20,
            )
        except OSError as exc:
            self.tail.append(f"could not start {self.spec.argv[0]}: {exc}")
            self.console.say(f"{self.name}: could not start {self.spec.argv[0]}: {exc}")
            return None
        self.proc = proc
        pump = asyncio.create_task(self._pump(proc.stdout))
        if self._stopping:
            await self._terminate(proc)
        returncode = await proc.wait()
        await pump
        return returncode

    def _should_restart(self, now: float, uptime: float, returncode: int | None) -> bool:
        self._crashes.append(now)
        while self._crashes and now - self._crashes[0] > self.policy.window:
            self._crashes.popleft()
        if len(self._crashes) >= self.policy.max_crashes:
            self.gave_up = True
            self.console.say(
                f"{self.name} exited {len(self._crashes)} times within "
                f"{self.policy.window:g}s (last: {self._describe(returncode)}); giving up"
            )
            if self.on_give_up is not None:
                self.on_give_up(self)
            return False
        # A child that ran fine for a while and then crashed starts over at the short delay.
        self._consecutive = 1 if uptime >= self.policy.window else self._consecutive + 1
        return True

    async def _pump(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line longer than the limit: the reader dropped it, go on
                continue
            if not raw:
                return
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            self.tail.append(line)
            self.console.child(self.name, line)

    async def _terminate(self, proc: asyncio.subprocess.Process) -> None:
        self._signal(proc, signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), self.policy.stop_timeout)
        except TimeoutError:
            self.console.say(f"{self.name} did not stop within {self.policy.stop_timeout:g}s; killing it")
            self._signal(proc, signal.SIGKILL)
            await proc.wait()

    @staticmethod
    def _signal(proc: asyncio.subprocess.Process, sig: int) -> None:
        # The whole process group: anything the child spawned goes too.
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                proc.send_signal(sig)
            except ProcessLookupError:
                pass

    @staticmethod
    def _describe(returncode: int | None) -> str:
        if returncode is None:
            return "did not start"
        if returncode < 0:
            try:
                return f"killed by {signal.Signals(-returncode).name}"
            except ValueError:
                return f"killed by signal {-returncode}"
        return f"exit code {returncode}"

"""Start in order, wait for readiness, supervise, and stop in the reverse order on a signal."""

from __future__ import annotations

import asyncio
import signal

from deploy.embedded.logs import Console, render
from deploy.embedded.plan import START_ORDER, STOP_ORDER, Component
from deploy.embedded.processes import ManagedProcess, RestartPolicy


class StartupFailed(Exception):
    pass


class Interrupted(Exception):
    pass


class Runner:
    def __init__(
        self,
        components: dict[str, Component],
        console: Console,
        data_dir: str,
        ready_timeout: float = 60.0,
        policy: RestartPolicy | None = None,
    ):
        self.components = components
        self.console = console
        self.data_dir = data_dir
        self.ready_timeout = ready_timeout
        self.procs = {
            name: ManagedProcess(c.spec, console, policy, on_give_up=self._gave_up)
            for name, c in components.items()
        }
        self.failure: str | None = None
        self._signals = 0
        self._stop: asyncio.Event | None = None

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._on_signal)
        try:
            try:
                await self._start_all()
                self._banner()
                await self._stop.wait()
            except StartupFailed as exc:
                self.failure = str(exc)
                self.console.say(self.failure)
            except Interrupted:
                pass
            finally:
                await self._stop_all()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
        if self.failure:
            self.console.say("stopped after an error (see above)")
            return 1
        self.console.say("stopped")
        return 0

    def _on_signal(self) -> None:
        self._signals += 1
        if self._signals == 1:
            self.console.say("stopping... (Ctrl-C again to kill everything at once)")
            self._stop.set()
        else:
            self.console.say("killing everything now")
            for proc in self.procs.values():
                proc.kill()

    def _gave_up(self, proc: ManagedProcess) -> None:
        self.failure = f"{proc.name} keeps crashing, so the whole system stops.\n" + self._tail(proc)
        self.console.say(self.failure)
        self._stop.set()

    def _tail(self, proc: ManagedProcess, lines: int = 15) -> str:
        recent = list(proc.tail)[-lines:]
        if not recent:
            return f"{proc.name} has printed nothing so far."
        rendered = "\n".join("    " + part for line in recent for part in render(line).split("\n"))
        return f"Last lines from {proc.name}:\n{rendered}"

    async def _start_all(self) -> None:
        for step in START_ORDER:
            names = [name for name in step if name in self.procs]
            for name in names:
                self.procs[name].start()
            try:
                async with asyncio.TaskGroup() as group:
                    for name in names:
                        group.create_task(self._wait_ready(name))
            except ExceptionGroup as errors:
                # The first real failure explains more than an Interrupted from a sibling.
                failures = [e for e in errors.exceptions if isinstance(e, StartupFailed)]
                raise (failures or list(errors.exceptions))[0] from None

    async def _wait_ready(self, name: str) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        component, proc = self.components[name], self.procs[name]
        while True:
            if self._stop.is_set():
                raise Interrupted
            if await component.probe():
                break
            if loop.time() - started > self.ready_timeout:
                raise StartupFailed(
                    f"{name} did not become ready within {self.ready_timeout:g}s (waited for "
                    f"{component.ready_when}; raise the limit with --ready-timeout).\n" + self._tail(proc)
                )
            try:
                await asyncio.wait_for(self._stop.wait(), 0.25)
            except TimeoutError:
                pass
        self.console.say(f"{name} ready in {loop.time() - started:.1f}s")

    async def _stop_all(self) -> None:
        for step in STOP_ORDER:
            procs = [self.procs[name] for name in step if name in self.procs]
            running = [p.name for p in procs if p.running]
            if running:
                self.console.say(f"stopping {', '.join(running)}")
            await asyncio.gather(*(p.stop() for p in procs))

    def _banner(self) -> None:
        rule = "─" * 64
        rows = []
        if "gateway" in self.components:
            rows.append(
                ("GraphQL", f"{self.components['gateway'].url}/graphql   (open it in a browser: GraphiQL)")
            )
        rows += [(name, c.url) for name, c in self.components.items()]
        rows += [("data", self.data_dir)]
        width = max(len(label) for label, _ in rows)
        self.console.plain(rule)
        self.console.plain("  Consorcia is running")
        for label, value in rows:
            self.console.plain(f"  {label:<{width}}  {value}")
        self.console.plain("  Ctrl-C to stop")
        self.console.plain(rule)

"""The data folder (var/ by default): layout, single-runner lock and --reset.

Everything the embedded system stores lives here, so a second run picks up where the first
stopped. Nothing here is ever deleted except by an explicit --reset.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Only what the runner itself creates: if --var-dir points somewhere unexpected (a home folder,
# the repository), --reset must not take the user's own files with it.
OWNED_ENTRIES = ("nats", "redis", "data", "keys", "mail", "nats.conf")


class VarDirError(Exception):
    """A problem the user has to solve (message is shown as is)."""


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def nats_store(self) -> Path:
        return self.root / "nats"

    @property
    def nats_config(self) -> Path:
        return self.root / "nats.conf"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def database(self, service: str) -> Path:
        return self.data_dir / f"{service}.db"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def mail_dir(self) -> Path:
        return self.root / "mail"

    def create(self) -> None:
        for folder in (self.nats_store, self.redis_dir, self.data_dir, self.keys_dir, self.mail_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.ensure_signing_keys()

    def ensure_signing_keys(self) -> tuple[Path, Path]:
        """The gateway's Ed25519 token keys: made once, kept, so sign-ins survive a restart."""
        from shared.keys import ensure_keypair

        return ensure_keypair(self.keys_dir)


def acquire_lock(root: Path) -> IO[str]:
    """Hold var/.lock for the runner's lifetime; the kernel drops it if we die, even by SIGKILL.

    Two runners on one folder would have two NATS servers writing one JetStream store and two
    writers per SQLite file; ports differ only if the user passed other flags, so ports alone
    would not catch it.
    """
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 - kept open on purpose
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise VarDirError(
            f"{root} is already used by another deploy.embedded (pid {holder}); "
            "stop it first or choose another data folder with --var-dir"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def reset(root: Path, assume_yes: bool, ask: Callable[[str], str] = input) -> list[Path]:
    """Delete the runner's data under root after confirmation; returns what was deleted."""
    present = [root / name for name in OWNED_ENTRIES if (root / name).exists()]
    if not present:
        return []
    if not assume_yes:
        question = (
            f"--reset deletes all embedded data in {root} "
            f"({', '.join(p.name for p in present)}: JetStream streams, Redis, SQLite databases). "
            "Continue? [y/N] "
        )
        try:
            answer = ask(question)
        except EOFError:
            print()  # end the unanswered question's line
            raise VarDirError("--reset needs a confirmation; add --yes to skip the question") from None
        if answer.strip().lower() not in ("y", "yes"):
            raise VarDirError("reset cancelled; nothing was deleted")
    for path in present:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    return present

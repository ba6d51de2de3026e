"""`python -m services.directory.seed`: migrate directory's database and load the 2015 seed into it.

Rows already loaded are updated when the seed file changed since. Events are written to the outbox and reach the other services when directory next runs.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from services.directory.config import get_settings
from services.directory.seed.loader import load_seed
from shared.db import create_engine, create_session_factory
from shared.migrations import upgrade


async def main() -> int:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    started = time.perf_counter()
    try:
        await upgrade(engine, Path(__file__).parents[1] / "migrations")
        report = await load_seed(
            create_session_factory(engine), progress=lambda line: print(line, flush=True)
        )
    finally:
        await engine.dispose()
    print(
        f"seed loaded in {time.perf_counter() - started:.1f}s: added {report.added}, "
        f"updated {report.updated}, unchanged {report.skipped}"
    )
    return 1 if report.refused else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

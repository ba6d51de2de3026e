"""`python -m services.forum.seed`: migrate, then load the seed (idempotent) into CONSORCIA_FORUM_DATABASE_URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.forum.config import get_settings
from services.forum.seed import load_seed
from shared.db import create_engine, create_session_factory, unit_of_work
from shared.migrations import upgrade


async def main() -> None:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    await upgrade(engine, Path(__file__).parents[1] / "migrations")
    async with unit_of_work(create_session_factory(engine)) as session:
        report = await load_seed(settings, session=session)
    await engine.dispose()
    # The events wait in the outbox; the running service's relay publishes them.
    print(f"forum seed: {report.categories} categories and {report.threads} threads added")


if __name__ == "__main__":
    asyncio.run(main())

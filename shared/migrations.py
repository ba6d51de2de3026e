"""Alembic per service, run from code at start-up (embedded default) or from the command line.

Each service's ``migrations/env.py`` is three lines calling ``run_env``. Several replicas may start at
once: on PostgreSQL an advisory lock lets one migrate while the others wait.

    python -m shared.migrations directory upgrade head
    python -m shared.migrations directory revision -m "add thing" --autogenerate
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import zlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import create_engine, is_sqlite


def alembic_config(script_location: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade(engine: AsyncEngine, script_location: Path, revision: str = "heads") -> None:
    cfg = alembic_config(script_location, engine.url.render_as_string(hide_password=False))

    def _run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        if not is_sqlite(engine):
            key = zlib.crc32(str(script_location).encode()) & 0x7FFFFFFF
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        await conn.run_sync(_run)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's env.py."""

    def _migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite can only ALTER by copying
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(
            url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return

    async def _standalone() -> None:
        engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
        async with engine.begin() as conn:
            await conn.run_sync(_migrate)
        await engine.dispose()

    asyncio.run(_standalone())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("service", choices=["directory", "matching", "forum", "notifications"])
    parser.add_argument("action", choices=["upgrade", "downgrade", "revision", "current", "history"])
    parser.add_argument("target", nargs="?", default="heads")
    parser.add_argument("-m", "--message", default="change")
    parser.add_argument("--autogenerate", action="store_true")
    args = parser.parse_args()
    settings = importlib.import_module(f"services.{args.service}.config").get_settings()
    location = Path(importlib.import_module(f"services.{args.service}").__file__).parent / "migrations"
    cfg = alembic_config(location, settings.database_url)
    if args.action == "upgrade":
        command.upgrade(cfg, args.target)
    elif args.action == "downgrade":
        command.downgrade(cfg, args.target)
    elif args.action == "revision":
        command.revision(cfg, message=args.message, autogenerate=args.autogenerate)
    elif args.action == "current":
        command.current(cfg, verbose=True)
    else:
        command.history(cfg)


if __name__ == "__main__":
    main()

"""Async SQLAlchemy on SQLite (embedded default) and PostgreSQL (production), one unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

OUTBOX_PENDING = "outbox_pending"


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on PostgreSQL and SQLite alike.

    SQLite keeps no offset, so a plain DateTime(timezone=True) comes back naive there and comparing it
    with an aware value raises. Every model uses this type instead.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url_or_engine: str | AsyncEngine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, AsyncEngine) else make_url(url_or_engine)
    return url.get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        # A search page decodes ~130 JSON values (6 lists per organization); orjson is ~3x json's speed.
        json_deserializer=orjson.loads,
    )


def _tune_sqlite(engine: AsyncEngine) -> None:
    # WAL lets readers run beside the single writer; busy_timeout turns lock contention into waiting
    # instead of "database is locked"; foreign keys are off by default in SQLite.
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def create_session_factory(
    engine: AsyncEngine, *, after_outbox_commit: Callable[[], None] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that tell the outbox relay when a commit carried events, so it publishes at once."""

    class _Session(Session):
        pass

    if after_outbox_commit is not None:

        @event.listens_for(_Session, "after_commit")
        def _wake(session: Session) -> None:
            if session.info.pop(OUTBOX_PENDING, False):
                after_outbox_commit()

    @event.listens_for(_Session, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(OUTBOX_PENDING, None)

    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=_Session)


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: state and outbox rows commit together or not at all."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise

"""Timestamps read back the same on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from shared.db import UtcDateTime, create_engine

metadata = MetaData()
stamps = Table("stamps", metadata, Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))


async def test_timestamps_come_back_aware_utc_and_compare_with_new_ones(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            lima = datetime(2015, 10, 5, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
            await conn.execute(
                insert(stamps).values([{"id": 1, "at": lima}, {"id": 2, "at": datetime(2015, 10, 6, 12)}])
            )
            first, second = (await conn.execute(select(stamps.c.at).order_by(stamps.c.id))).scalars()
        assert first == datetime(2015, 10, 5, 14, 0, tzinfo=UTC) and first.tzinfo is not None
        assert second == datetime(2015, 10, 6, 12, tzinfo=UTC), "a naive value is taken as UTC"
        assert first < datetime.now(UTC)  # would raise on SQLite with a naive value
    finally:
        await engine.dispose()

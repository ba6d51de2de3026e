from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase

from shared.messaging.consumer import processed_events_table
from shared.outbox import outbox_table


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)

"""Forum's tables."""

from sqlalchemy.orm import DeclarativeBase

from shared.messaging.consumer import processed_events_table
from shared.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)

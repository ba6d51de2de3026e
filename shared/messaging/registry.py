"""Which handler applies which event type, and the table that makes applying an event idempotent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import UtcDateTime
from shared.events.catalog import DomainEvent

Handler = Callable[..., Awaitable[None]]
BatchHook = Callable[[AsyncSession], Awaitable[None]]


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False, index=True),
    )


class HandlerRegistry:
    """Which handler applies which event type: explicit, so a reader sees every subscription in one place."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._events: dict[str, type[DomainEvent]] = {}
        self._before_commit: list[BatchHook] = []

    def on(self, event_cls: type[DomainEvent]) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.add(event_cls, fn)
            return fn

        return register

    def add(self, event_cls: type[DomainEvent], fn: Handler) -> None:
        if event_cls.spec.type in self._handlers:
            raise ValueError(f"{event_cls.__name__} already has a handler")
        self._handlers[event_cls.spec.type] = fn
        self._events[event_cls.spec.type] = event_cls

    def before_commit(self, fn: BatchHook) -> BatchHook:
        """Run ``fn(session)`` after a transaction's handlers and before its commit.

        Handlers may leave work for it that is cheaper done once per batch (one query for every event's
        recipients, multi-row inserts); a failure there rolls the batch back like a handler's would.
        """
        self._before_commit.append(fn)
        return fn

    async def finish(self, session: AsyncSession) -> None:
        for fn in self._before_commit:
            await fn(session)

    def get(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    def owners(self) -> set[str]:
        return {cls.spec.owner for cls in self._events.values()}

    def subjects_of(self, owner: str) -> list[str]:
        return sorted({cls.spec.subject for cls in self._events.values() if cls.spec.owner == owner})

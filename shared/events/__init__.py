"""The event catalog. Importing this package registers every event type."""

from shared.events import directory, forum, matching, notifications  # noqa: F401  (registers every event)
from shared.events.catalog import CATALOG, DomainEvent, EventSpec, UnknownEventType, describe, event, parse
from shared.events.envelope import CloudEvent

__all__ = [
    "CATALOG",
    "CloudEvent",
    "DomainEvent",
    "EventSpec",
    "UnknownEventType",
    "describe",
    "event",
    "parse",
]

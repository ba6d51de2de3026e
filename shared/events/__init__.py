"""The event catalog. Importing this package registers every event type."""

from shared.events import directory  # noqa: F401  (registers the directory events)
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

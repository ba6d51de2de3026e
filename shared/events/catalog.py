"""The one event catalog: every event any service publishes, with its owner, subject and version.

Names are past tense. The CloudEvents ``type`` is ``org.consorcia.<subject>.v<version>`` and the NATS
subject ``<service>.<aggregate>.<event>`` (behind the deployment's namespace). A breaking change to a
payload is a new version, published beside the old one until every consumer has moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import SOURCE_PREFIX, CloudEvent

TYPE_PREFIX = "org.consorcia."


@dataclass(frozen=True)
class EventSpec:
    owner: str  # the service whose stream carries it
    aggregate: str
    name: str
    version: int

    @property
    def subject(self) -> str:
        return f"{self.owner}.{self.aggregate}.{self.name}"

    @property
    def type(self) -> str:
        return f"{TYPE_PREFIX}{self.subject}.v{self.version}"


class DomainEvent(BaseModel):
    """A payload in the catalog. Subclasses declare ``spec``; extra fields are kept for forward compatibility."""

    model_config = ConfigDict(extra="allow", frozen=True)
    spec: ClassVar[EventSpec]

    def envelope(self, *, subject: str | None = None, correlation_id: str | None = None) -> CloudEvent:
        return CloudEvent(
            source=f"{SOURCE_PREFIX}{self.spec.owner}",
            type=self.spec.type,
            subject=subject,
            correlationid=correlation_id,
            dataschema=f"urn:consorcia:event:{self.spec.subject}:v{self.spec.version}",
            data=self.model_dump(mode="json"),
        )


E = TypeVar("E", bound=type[DomainEvent])
CATALOG: dict[str, type[DomainEvent]] = {}


def event(owner: str, aggregate: str, name: str, version: int = 1):  # type: ignore[no-untyped-def]
    """Register a payload class in the catalog under its versioned type."""

    def register(cls: E) -> E:
        cls.spec = EventSpec(owner, aggregate, name, version)
        if cls.spec.type in CATALOG:
            raise ValueError(f"event type {cls.spec.type} registered twice")
        CATALOG[cls.spec.type] = cls
        return cls

    return register


class UnknownEventType(LookupError):
    pass


def parse(envelope: CloudEvent) -> DomainEvent:
    """The typed payload of an envelope; raises UnknownEventType or pydantic.ValidationError."""
    try:
        cls = CATALOG[envelope.type]
    except KeyError:
        raise UnknownEventType(envelope.type) from None
    return cls.model_validate(envelope.data)


def owners() -> set[str]:
    return {cls.spec.owner for cls in CATALOG.values()}


def describe() -> list[dict[str, Any]]:
    """Catalog rows for the generated documentation."""
    return [
        {
            "type": cls.spec.type,
            "subject": cls.spec.subject,
            "owner": cls.spec.owner,
            "doc": (cls.__doc__ or "").strip(),
            "schema": cls.model_json_schema(),
        }
        for _, cls in sorted(CATALOG.items())
    ]

"""CloudEvents 1.0, JSON structured mode: what travels on the wire and sits in the outbox.

Any CloudEvents SDK can read our messages: the attributes are the spec's, our one extension is
``correlationid`` (extension names must be lowercase alphanumerics).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SOURCE_PREFIX = "/consorcia/"


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    correlationid: str | None = None
    data: dict[str, Any]

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> CloudEvent:
        return cls.model_validate_json(raw)

"""What matching's REST API returns."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class OrganizationProjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organization_id: uuid.UUID
    name: str
    kind: str
    country: str
    profile: dict
    source_event_id: str
    applied_at: datetime

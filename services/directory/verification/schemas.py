"""What the verification API accepts and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    status: Literal["verified", "rejected"]
    reason: str | None = Field(default=None, max_length=2000, description="Required when rejecting.")


class VerificationOut(BaseModel):
    """The badge. The reason of a rejection is shown to signed-in members only."""

    model_config = ConfigDict(from_attributes=True)

    organization_id: uuid.UUID
    status: str = "pending"
    reason: str | None = None
    decided_by: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    requested_at: datetime | None = None
    decided_at: datetime | None = None

"""What the consortia API accepts and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.directory.schemas import ProfileFields

MembershipStatus = Literal["invited", "active", "left"]
ConsortiumRole = Literal["member", "manager"]


class ConsortiumIn(ProfileFields):
    """A new consortium: its profile, and optionally the organization founding it (its first member)."""

    name: str = Field(min_length=2)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    founding_organization_id: uuid.UUID | None = Field(
        default=None, description="An organization the caller manages; it joins at once, as manager."
    )

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class InvitationIn(BaseModel):
    organization_id: uuid.UUID
    role: ConsortiumRole = "member"


class ConsortiumMemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    consortium_id: uuid.UUID
    organization_id: uuid.UUID
    role: str
    status: str
    invited_by: uuid.UUID | None
    invited_at: datetime
    joined_at: datetime | None
    left_at: datetime | None

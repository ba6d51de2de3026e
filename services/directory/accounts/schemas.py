"""What the accounts API accepts and returns. E-mails and phones appear only in members' views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.auth import Role

Language = Literal["es", "en"]


class SignUpIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024, json_schema_extra={"format": "password"})
    display_name: str = Field(min_length=1, max_length=120)
    language: Language = "es"


class CredentialsIn(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class MembershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organization_id: uuid.UUID
    role: str


class AccountOut(BaseModel):
    """The signed-in person's own account (and what the gateway learns on sign-in)."""

    id: uuid.UUID
    email: str
    display_name: str
    language: str
    roles: list[str]
    agency_id: uuid.UUID | None = None
    phone: str | None = None
    organizations: list[MembershipOut] = []
    created_at: datetime


class PersonOut(BaseModel):
    """Someone in the network as others see them: contacts only for signed-in members."""

    id: uuid.UUID
    display_name: str
    language: str
    roles: list[str]
    email: str | None = None
    phone: str | None = None


class AccountUpdateIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    language: Language | None = None
    phone: str | None = Field(default=None, max_length=60)


class RolesIn(BaseModel):
    roles: list[Role] = Field(min_length=1, max_length=6)
    agency_id: uuid.UUID | None = Field(
        default=None, description="The agency an agency officer acts for (required with that role)."
    )


class PasswordResetIn(BaseModel):
    email: str = Field(min_length=1, max_length=254)


class PasswordResetConfirmIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class PasswordResetDone(BaseModel):
    user_id: uuid.UUID


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The secret: shown once, never stored in the clear.")


class ApiKeyExchangeIn(BaseModel):
    key: str = Field(min_length=10, max_length=200)


class OrganizationMemberIn(BaseModel):
    user_id: uuid.UUID
    role: Literal["owner", "manager", "staff"] = "staff"


class OrganizationMemberOut(BaseModel):
    organization_id: uuid.UUID
    user_id: uuid.UUID
    role: str
    display_name: str
    email: str | None = None
    phone: str | None = None

"""What directory's REST API accepts and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class OrganizationKind(StrEnum):
    sme = "sme"
    consortium = "consortium"
    agency = "agency"
    business_association = "business_association"
    regional_body = "regional_body"


class OrganizationIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: OrganizationKind
    name: str = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code")
    acronym: str | None = Field(default=None, max_length=40)
    tax_id: str | None = Field(default=None, max_length=60)
    description: str = Field(default="", max_length=5000)
    sectors: list[str] = Field(default_factory=list, max_length=20)
    website: str | None = Field(default=None, max_length=300)

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class OrganizationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    name: str
    acronym: str | None
    country: str
    description: str
    sectors: list[str]
    website: str | None
    created_at: datetime
    updated_at: datetime


class CountryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    iso2: str
    iso3: str
    name_en: str
    name_es: str
    region: str


class IdsIn(BaseModel):
    ids: list[uuid.UUID] = Field(max_length=500)

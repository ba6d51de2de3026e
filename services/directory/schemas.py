"""What directory's REST API accepts and returns for organizations and reference data.

Lengths of free text are checked by the use cases (code `text_too_long`), not here, so that clients
get one stable code for oversized text whatever the field.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class OrganizationKind(StrEnum):
    sme = "sme"
    consortium = "consortium"
    agency = "agency"
    business_association = "business_association"
    regional_body = "regional_body"


class ValueChainRole(StrEnum):
    producer = "producer"
    processor = "processor"
    input_supplier = "input_supplier"
    services_logistics = "services_logistics"
    trading = "trading"


class ExportStatus(StrEnum):
    none = "none"
    occasional = "occasional"
    regular = "regular"


class SizeClass(StrEnum):
    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


class Product(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    hs_code: str | None = Field(
        default=None, description="HS chapter, heading or subheading: 2, 4 or 6 digits"
    )
    description_es: str = ""
    description_en: str = ""


class ProfileFields(BaseModel):
    """The editable profile; every field optional so an update may send only what changes."""

    model_config = ConfigDict(str_strip_whitespace=True)

    acronym: str | None = None
    province: str | None = Field(default=None, description="State, province or department")
    tax_id: str | None = None
    description: str | None = None
    description_en: str | None = None
    sectors: list[str] | None = Field(default=None, max_length=20, description="Codes from GET /sectors")
    products: list[Product] | None = Field(default=None, max_length=50)
    value_chain_role: ValueChainRole | None = None
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    export_status: ExportStatus | None = None
    target_markets: list[str] | None = Field(
        default=None, max_length=60, description="ISO 3166 alpha-2 codes or region codes from GET /regions"
    )
    certifications: list[str] | None = Field(default=None, max_length=30)
    languages: list[str] | None = Field(default=None, max_length=10, description="ISO 639-1 codes")
    offers: str | None = None
    seeks: str | None = None
    website: str | None = None
    member_count: int | None = Field(default=None, ge=0)
    founded_year: int | None = Field(default=None, ge=1800, le=2100)

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        codes = [x.strip().lower() for x in v]
        if any(len(c) != 2 or not c.isalpha() for c in codes):
            raise ValueError("languages are two-letter ISO 639-1 codes, e.g. es, en, pt")
        return list(dict.fromkeys(codes))


class OrganizationIn(ProfileFields):
    kind: OrganizationKind
    name: str = Field(min_length=2)
    country: str | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="ISO 3166-1 alpha-2; only regional bodies and associations may omit it",
    )

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class OrganizationPatch(ProfileFields):
    """Fields to change; absent fields keep their value. Name and country may change too."""

    name: str | None = Field(default=None, min_length=2)
    country: str | None = Field(default=None, min_length=2, max_length=2)

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str | None) -> str | None:
        return v.upper() if v else v


class OrganizationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    name: str
    acronym: str | None
    country: str | None
    region: str | None = Field(default=None, description="World region of the country")
    province: str | None
    description: str
    description_en: str
    sectors: list[str]
    products: list[Product]
    value_chain_role: str | None
    employees: int | None
    size_class: str | None
    export_status: str | None
    target_markets: list[str]
    certifications: list[str]
    languages: list[str]
    offers: str
    seeks: str
    website: str | None
    member_count: int | None
    founded_year: int | None
    figures: dict[str, Any]
    export_checkup_score: int | None
    completeness: int
    verification_status: str = Field(default="pending", description="Badge: pending, verified or rejected")
    seed_key: str | None
    created_at: datetime
    updated_at: datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return as_utc(v)


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class CountryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    iso2: str
    iso3: str
    name_en: str
    name_es: str
    region: str


class RegionOut(BaseModel):
    code: str
    name_es: str
    name_en: str


class SectorOut(BaseModel):
    code: str
    parent: str | None
    name_es: str
    name_en: str
    hs_chapters: list[str]


class IdsIn(BaseModel):
    ids: list[uuid.UUID] = Field(max_length=500)


class CodesIn(BaseModel):
    codes: list[str] = Field(max_length=500)

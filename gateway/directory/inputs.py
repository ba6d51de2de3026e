"""GraphQL inputs of directory's organization mutations, and their translation to the REST bodies."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from gateway.directory.types import ExportStatus, OrganizationKind, ValueChainRole


@strawberry.input(description="A product; the HS code is 2, 4 or 6 digits.")
class ProductInput:
    hs_code: str | None = None
    description_es: str = ""
    description_en: str = ""


@strawberry.input(description="A new organization with its profile.")
class RegisterOrganizationInput:
    kind: OrganizationKind
    name: str
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 code, e.g. CR.")
    acronym: str | None = None
    tax_id: str | None = None
    province: str | None = None
    description: str = ""
    description_en: str = ""
    sectors: list[str] = strawberry.field(default_factory=list)
    products: list[ProductInput] = strawberry.field(default_factory=list)
    value_chain_role: ValueChainRole | None = None
    employees: int | None = None
    export_status: ExportStatus | None = None
    target_markets: list[str] = strawberry.field(default_factory=list)
    certifications: list[str] = strawberry.field(default_factory=list)
    languages: list[str] = strawberry.field(default_factory=list)
    offers: str = ""
    seeks: str = ""
    website: str | None = None
    member_count: int | None = None
    founded_year: int | None = None


@strawberry.input(description="Profile fields to change; fields left out keep their value.")
class UpdateOrganizationInput:
    name: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    acronym: str | None = strawberry.UNSET
    tax_id: str | None = strawberry.UNSET
    province: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    description_en: str | None = strawberry.UNSET
    sectors: list[str] | None = strawberry.UNSET
    products: list[ProductInput] | None = strawberry.UNSET
    value_chain_role: ValueChainRole | None = strawberry.UNSET
    employees: int | None = strawberry.UNSET
    export_status: ExportStatus | None = strawberry.UNSET
    target_markets: list[str] | None = strawberry.UNSET
    certifications: list[str] | None = strawberry.UNSET
    languages: list[str] | None = strawberry.UNSET
    offers: str | None = strawberry.UNSET
    seeks: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    member_count: int | None = strawberry.UNSET
    founded_year: int | None = strawberry.UNSET


def rest_body(value: Any) -> Any:
    """An input as JSON for directory's REST API: enums by value, unset fields left out."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [rest_body(v) for v in value]
    if hasattr(value, "__strawberry_definition__"):
        names = [f.python_name for f in value.__strawberry_definition__.fields]
        return {n: rest_body(getattr(value, n)) for n in names if getattr(value, n) is not strawberry.UNSET}
    return value

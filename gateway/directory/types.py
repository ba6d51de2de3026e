"""GraphQL types for directory's data."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from gateway.errors import ConflictError, ValidationError


@strawberry.enum(description="What kind of organization this is.")
class OrganizationKind(Enum):
    SME = "sme"
    CONSORTIUM = "consortium"
    AGENCY = "agency"
    BUSINESS_ASSOCIATION = "business_association"
    REGIONAL_BODY = "regional_body"


@strawberry.type(description="An ISO 3166 country, named in English and Spanish.")
class Country:
    iso2: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    iso3: str
    name_en: str
    name_es: str
    region: str = strawberry.field(
        description="south_america, central_america, caribbean, north_america, europe or other."
    )

    @staticmethod
    def from_row(row: dict[str, Any]) -> Country:
        return Country(**{k: row[k] for k in ("iso2", "iso3", "name_en", "name_es", "region")})


@strawberry.type(
    description="An organization in the network: SME, consortium, agency, association or regional body."
)
class Organization:
    id: strawberry.ID
    kind: OrganizationKind
    name: str
    acronym: str | None
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 code of its country.")
    description: str
    sectors: list[str] = strawberry.field(description="Sector codes from the taxonomy.")
    website: str | None
    created_at: datetime

    @strawberry.field(description="Its country.")
    async def country(self, info: strawberry.Info) -> Country | None:
        row = await info.context.countries.load(self.country_code)
        return Country.from_row(row) if row else None

    @staticmethod
    def from_row(row: dict[str, Any]) -> Organization:
        return Organization(
            id=strawberry.ID(row["id"]),
            kind=OrganizationKind(row["kind"]),
            name=row["name"],
            acronym=row.get("acronym"),
            country_code=row["country"],
            description=row.get("description", ""),
            sectors=row.get("sectors", []),
            website=row.get("website"),
            created_at=datetime.fromisoformat(row["created_at"]),
        )


@strawberry.input(description="A new organization.")
class RegisterOrganizationInput:
    kind: OrganizationKind
    name: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. CR.")
    acronym: str | None = None
    tax_id: str | None = None
    description: str = ""
    sectors: list[str] = strawberry.field(default_factory=list)
    website: str | None = None


@strawberry.type(description="The organization was registered.")
class RegisterOrganizationSuccess:
    organization: Organization


RegisterOrganizationResult = Annotated[
    RegisterOrganizationSuccess | ValidationError | ConflictError,
    strawberry.union(
        "RegisterOrganizationResult", description="The organization, or why it was not registered."
    ),
]

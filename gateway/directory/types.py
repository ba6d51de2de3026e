"""GraphQL types for directory's organizations and reference data."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.directory.checkup_types import Checkup, checkup_connection
from gateway.pagination import Connection

if TYPE_CHECKING:
    from gateway.consortia.types import ConsortiumMembership


@strawberry.enum(description="What kind of organization this is.")
class OrganizationKind(Enum):
    SME = "sme"
    CONSORTIUM = "consortium"
    AGENCY = "agency"
    BUSINESS_ASSOCIATION = "business_association"
    REGIONAL_BODY = "regional_body"


@strawberry.enum(description="Where in the value chain an organization works.")
class ValueChainRole(Enum):
    PRODUCER = "producer"
    PROCESSOR = "processor"
    INPUT_SUPPLIER = "input_supplier"
    SERVICES_LOGISTICS = "services_logistics"
    TRADING = "trading"


@strawberry.enum(description="How often it exports.")
class ExportStatus(Enum):
    NONE = "none"
    OCCASIONAL = "occasional"
    REGULAR = "regular"


@strawberry.enum(description="Size from employees: micro ≤10, small ≤50, medium ≤200, large above.")
class SizeClass(Enum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


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


@strawberry.type(description="A region usable as a target market.")
class Region:
    code: str
    name_es: str
    name_en: str


@strawberry.type(description="A sector of the bilingual taxonomy; families have no parent.")
class Sector:
    code: str
    parent: str | None
    name_es: str
    name_en: str
    hs_chapters: list[str] = strawberry.field(description="HS chapters typically involved.")

    @staticmethod
    def from_row(row: dict[str, Any]) -> Sector:
        return Sector(**{k: row[k] for k in ("code", "parent", "name_es", "name_en", "hs_chapters")})


@strawberry.type(description="A product, with its HS code when known.")
class Product:
    hs_code: str | None = strawberry.field(description="2, 4 or 6 digits.")
    description_es: str
    description_en: str


@strawberry.type(
    description="An organization in the network: SME, consortium, agency, association or regional body."
)
class Organization:
    id: strawberry.ID
    kind: OrganizationKind
    name: str
    acronym: str | None
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2; null for regional bodies.")
    region: str | None = strawberry.field(description="World region of its country.")
    province: str | None = strawberry.field(description="State, province or department.")
    description: str
    description_en: str
    sectors: list[str] = strawberry.field(description="Sector codes from the taxonomy.")
    products: list[Product]
    value_chain_role: ValueChainRole | None
    employees: int | None
    size_class: SizeClass | None = strawberry.field(description="Derived from employees.")
    export_status: ExportStatus | None
    target_markets: list[str] = strawberry.field(description="ISO country codes or region codes.")
    certifications: list[str]
    languages: list[str] = strawberry.field(description="ISO 639-1 codes.")
    offers: str
    seeks: str
    website: str | None
    member_count: int | None
    founded_year: int | None
    figures: JSON = strawberry.field(description="Figures as the 2015 report states them (seeded rows).")
    export_checkup_score: int | None = strawberry.field(description="Newest Export Check-Up score, 0-100.")
    completeness: int = strawberry.field(description="Profile completeness, 0-100 (docs/directory.md).")
    verification: str = strawberry.field(description="Badge: pending, verified or rejected.")
    created_at: datetime
    updated_at: datetime = strawberry.field(
        description="Last profile change (staleness is measured from it)."
    )

    @strawberry.field(description="Its country.")
    def country(self, info: strawberry.Info) -> Country | None:
        if not self.country_code:
            return None
        index = info.context.country_index
        if index is not None:  # a page: answered in place, no task per node
            return index.get(self.country_code.upper())
        return self._load_country(info)  # type: ignore[return-value]  # graphql-core awaits it

    async def _load_country(self, info: strawberry.Info) -> Country | None:
        row = await info.context.countries.load(self.country_code)
        return Country.from_row(row) if row else None

    @strawberry.field(description="Its sectors, named in both languages.")
    async def sector_details(self, info: strawberry.Info) -> list[Sector]:
        rows = await info.context.sectors.load_many(self.sectors)
        return [Sector.from_row(r) for r in rows if r]

    @strawberry.field(description="The consortia it is an active member of (one call for a whole page).")
    async def consortia(
        self, info: strawberry.Info
    ) -> list[Annotated[ConsortiumMembership, strawberry.lazy("gateway.consortia.types")]]:
        from gateway.consortia.loaders import consortia_of
        from gateway.consortia.types import ConsortiumMembership

        return [ConsortiumMembership.from_row(r) for r in await consortia_of(info.context).load(str(self.id))]

    @strawberry.field(description="Its Export Check-Ups, newest first.")
    async def checkups(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[Checkup]:
        return await checkup_connection(info, str(self.id), first, after)

    @staticmethod
    def from_row(row: dict[str, Any]) -> Organization:
        # Field by field from the table below, without the dataclass __init__'s thirty keyword
        # arguments (a third of the cost of the 20 organizations a page makes).
        organization = object.__new__(Organization)
        organization.__dict__.update({name: convert(row) for name, convert in _CONVERSIONS})
        return organization


def _when(value: str | None) -> datetime:
    # Absent from a projected row only when the query does not read it (projection.py).
    return datetime.fromisoformat(value) if value else None  # type: ignore[return-value]


def _enum(cls: type[Enum], value: str | None) -> Any:
    return cls(value) if value else None


def _product(p: dict[str, Any]) -> Product:
    return Product(
        hs_code=p.get("hs_code"),
        description_es=p.get("description_es") or "",
        description_en=p.get("description_en") or "",
    )


# Each field of Organization from directory's row (a test checks that none is missing).
FROM_ROW: dict[str, Any] = {
    "id": lambda r: strawberry.ID(r["id"]),
    "kind": lambda r: OrganizationKind(r["kind"]),
    "name": lambda r: r["name"],
    "acronym": lambda r: r.get("acronym"),
    "country_code": lambda r: r.get("country"),
    "region": lambda r: r.get("region"),
    "province": lambda r: r.get("province"),
    "description": lambda r: r.get("description", ""),
    "description_en": lambda r: r.get("description_en", ""),
    "sectors": lambda r: r.get("sectors", []),
    "products": lambda r: [_product(p) for p in r.get("products", [])],
    "value_chain_role": lambda r: _enum(ValueChainRole, r.get("value_chain_role")),
    "employees": lambda r: r.get("employees"),
    "size_class": lambda r: _enum(SizeClass, r.get("size_class")),
    "export_status": lambda r: _enum(ExportStatus, r.get("export_status")),
    "target_markets": lambda r: r.get("target_markets", []),
    "certifications": lambda r: r.get("certifications", []),
    "languages": lambda r: r.get("languages", []),
    "offers": lambda r: r.get("offers", ""),
    "seeks": lambda r: r.get("seeks", ""),
    "website": lambda r: r.get("website"),
    "member_count": lambda r: r.get("member_count"),
    "founded_year": lambda r: r.get("founded_year"),
    "figures": lambda r: r.get("figures") or {},
    "export_checkup_score": lambda r: r.get("export_checkup_score"),
    "completeness": lambda r: r.get("completeness", 0),
    "verification": lambda r: r.get("verification_status", "pending"),
    "created_at": lambda r: _when(r.get("created_at")),
    "updated_at": lambda r: _when(r.get("updated_at") or r.get("created_at")),
}
_CONVERSIONS = tuple(FROM_ROW.items())

"""GraphQL types of the financing inventory, the knowledge base, the participants and search facets."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from gateway.directory.types import Organization
from gateway.pagination import PageInfo


async def _organization(info: strawberry.Info, organization_id: str | None) -> Organization | None:
    if not organization_id:
        return None
    row = await info.context.organizations.load(organization_id)
    return Organization.from_row(row) if row else None


@strawberry.type(description="A financing or support programme (the meeting's Recommendation 2).")
class FinancingProgramme:
    id: strawberry.ID
    programme: str
    institution_id: strawberry.ID | None
    country: str | None
    instrument: str | None = strawberry.field(
        description="grant, credit, guarantee, factoring, co_financing, technical_assistance; null if unstated."
    )
    instrument_inferred: bool
    eligible_es: str
    eligible_en: str
    description_es: str
    description_en: str
    link: str | None
    source: str | None

    @strawberry.field(description="The institution that runs it.")
    async def institution(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, self.institution_id)

    @staticmethod
    def from_row(row: dict[str, Any]) -> FinancingProgramme:
        keep = (
            "programme",
            "country",
            "instrument",
            "instrument_inferred",
            "eligible_es",
            "eligible_en",
            "description_es",
            "description_en",
            "link",
            "source",
        )
        return FinancingProgramme(
            id=strawberry.ID(row["id"]), institution_id=row["institution_id"], **{k: row[k] for k in keep}
        )


@strawberry.type(
    description="A document of the knowledge base: a presentation, the conclusions or the recommendations."
)
class Document:
    id: strawberry.ID
    kind: str
    symbol: str | None
    title: str
    title_en: str
    presenter: str | None
    presenter_role: str | None
    organization_id: strawberry.ID | None
    country: str | None
    session: str | None
    summary_es: str
    summary_en: str
    text_es: str
    text_en: str
    items: JSON = strawberry.field(
        description="Numbered items (conclusions, recommendations), both languages."
    )
    source: str | None

    @strawberry.field(description="The presenter's organization.")
    async def organization(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, self.organization_id)

    @staticmethod
    def from_row(row: dict[str, Any]) -> Document:
        keep = (
            "kind",
            "symbol",
            "title",
            "title_en",
            "presenter",
            "presenter_role",
            "country",
            "session",
            "summary_es",
            "summary_en",
            "text_es",
            "text_en",
            "items",
            "source",
        )
        return Document(
            id=strawberry.ID(row["id"]), organization_id=row["organization_id"], **{k: row[k] for k in keep}
        )


@strawberry.type(
    description="A participant of the 2015 meeting; contacts are shown to signed-in members only."
)
class Participant:
    id: strawberry.ID
    name: str
    role: str | None
    organization_id: strawberry.ID | None
    country: str | None
    email: str | None
    other_emails: list[str]
    phone: str | None

    @strawberry.field(description="Their organization.")
    async def organization(self, info: strawberry.Info) -> Organization | None:
        return await _organization(info, self.organization_id)

    @staticmethod
    def from_row(row: dict[str, Any]) -> Participant:
        keep = ("name", "role", "country", "email", "other_emails", "phone")
        return Participant(
            id=strawberry.ID(row["id"]), organization_id=row["organization_id"], **{k: row[k] for k in keep}
        )


@strawberry.type(description="How many matches have this value.")
class FacetValue:
    value: str
    count: int


@strawberry.type(description="Counts of one facet: kind, country, size, sector, market or verified.")
class Facet:
    name: str
    values: list[FacetValue]


@strawberry.type(description="One search hit and the cursor to continue after it.")
class OrganizationSearchEdge:
    cursor: str
    node: Organization


@strawberry.type(description="A page of search results with facet counts over every match.")
class OrganizationSearchConnection:
    edges: list[OrganizationSearchEdge]
    page_info: PageInfo
    total_count: int | None = strawberry.field(description="How many organizations match.")
    facets: list[Facet]
    exact_counts: bool = strawberry.field(
        default=True,
        description="False when totalCount and the facet counts are estimates from a random eighth of "
        "the matches: broad searches on PostgreSQL, above about 5,000 matches by default. The page is always exact.",
    )

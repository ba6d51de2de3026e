"""Directory's reference and knowledge queries: sectors, regions, check-up questionnaire, financing
programmes, documents and participants."""

from __future__ import annotations

import strawberry

from gateway.clients import ServiceError
from gateway.directory.checkup_types import CheckupQuestionnaire
from gateway.directory.knowledge_types import Document, FinancingProgramme, Participant
from gateway.directory.types import Region, Sector
from gateway.pagination import Connection


async def _page(info: strawberry.Info, path: str, first: int, after: str | None, **filters: object) -> dict:  # type: ignore[type-arg]
    params = {"limit": first} | {k: v for k, v in filters.items() if v is not None}
    if after:
        params["cursor"] = after
    return await info.context.clients.directory.get(path, params=params)


async def _one(info: strawberry.Info, path: str) -> dict | None:  # type: ignore[type-arg]
    try:
        return await info.context.clients.directory.get(path)
    except ServiceError as exc:
        if exc.status in (404, 422):
            return None
        raise


@strawberry.type
class KnowledgeQuery:
    @strawberry.field(description="The bilingual sector taxonomy: families (no parent) and their sectors.")
    async def sectors(self, info: strawberry.Info) -> list[Sector]:
        rows = await info.context.clients.directory.get("/sectors")
        for row in rows:
            info.context.sectors.prime(row["code"], row)
        return [Sector.from_row(r) for r in rows]

    @strawberry.field(description="Regions usable as target markets, beside ISO countries.")
    async def regions(self, info: strawberry.Info) -> list[Region]:
        return [Region(**r) for r in await info.context.clients.directory.get("/regions")]

    @strawberry.field(description="The Export Check-Up questionnaire.")
    async def export_checkup_questionnaire(self, info: strawberry.Info) -> CheckupQuestionnaire:
        return CheckupQuestionnaire.from_row(
            await info.context.clients.directory.get("/checkup/questionnaire")
        )

    @strawberry.field(description="The inventory of financing sources, by country and instrument.")
    async def financing_programmes(
        self,
        info: strawberry.Info,
        country: str | None = None,
        instrument: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[FinancingProgramme]:
        page = await _page(
            info, "/financing-programmes", first, after, country=country, instrument=instrument
        )
        return Connection.of(
            [FinancingProgramme.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @strawberry.field(description="One financing programme; null when there is none.")
    async def financing_programme(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> FinancingProgramme | None:
        row = await _one(info, f"/financing-programmes/{id}")
        return FinancingProgramme.from_row(row) if row else None

    @strawberry.field(
        description="The knowledge base: the meeting's presentations, conclusions and recommendations."
    )
    async def documents(
        self,
        info: strawberry.Info,
        kind: str | None = None,
        country: str | None = None,
        session: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Document]:
        page = await _page(info, "/documents", first, after, kind=kind, country=country, session=session)
        return Connection.of(
            [Document.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @strawberry.field(description="One document; null when there is none.")
    async def document(self, info: strawberry.Info, id: strawberry.ID) -> Document | None:
        row = await _one(info, f"/documents/{id}")
        return Document.from_row(row) if row else None

    @strawberry.field(
        description="Participants of the 2015 meeting. Signed-in members only: anonymous callers get an empty page."
    )
    async def participants(
        self, info: strawberry.Info, country: str | None = None, first: int = 50, after: str | None = None
    ) -> Connection[Participant]:
        page = await _page(info, "/participants", first, after, country=country)
        return Connection.of(
            [Participant.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

"""The financing-sources inventory, the knowledge base and the meeting's participants.

Reference content curated from the 2015 report: written by the seed loader (as the system), read by
everyone — except participants' contacts, which only signed-in members see.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Document, FinancingProgramme, Participant
from shared.errors import NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


async def add_financing_programme(values: dict[str, Any], *, session: AsyncSession) -> FinancingProgramme:
    programme = FinancingProgramme(id=uuid.uuid4(), **values)
    session.add(programme)
    await session.flush()
    return programme


async def add_document(values: dict[str, Any], *, session: AsyncSession) -> Document:
    document = Document(id=uuid.uuid4(), **values)
    session.add(document)
    await session.flush()
    return document


async def add_participant(values: dict[str, Any], *, session: AsyncSession) -> Participant:
    participant = Participant(id=uuid.uuid4(), **values)
    session.add(participant)
    await session.flush()
    return participant


async def seeded(model: type, *, session: AsyncSession) -> dict[str, Any]:
    """The rows the seed loaded, by seed id."""
    rows = await session.execute(select(model).where(model.seed_key.is_not(None)))
    return {row.seed_key: row for row in rows.scalars()}


async def update_seeded(row: Any, values: dict[str, Any], *, session: AsyncSession) -> bool:
    """Copy a seed row's values onto what it loaded before; True when any of them differed.

    Reference content is written by the seed only (nobody edits it through the API), so the seed's
    values simply win.
    """
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        await session.flush()
    return bool(changed)


def _page(rows: list[Any], limit: int, key) -> tuple[list[Any], list[str], str | None]:  # type: ignore[no-untyped-def]
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(*key(r)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)


async def list_financing_programmes(
    *,
    session: AsyncSession,
    country: str | None = None,
    instrument: str | None = None,
    institution_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[FinancingProgramme], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(FinancingProgramme).order_by(FinancingProgramme.programme, FinancingProgramme.id)
    if country:
        query = query.where(FinancingProgramme.country == country.upper())
    if instrument:
        query = query.where(FinancingProgramme.instrument == instrument)
    if institution_id:
        query = query.where(FinancingProgramme.institution_id == institution_id)
    if (after := decode_cursor(cursor)) is not None:
        name, last = after[0], uuid.UUID(after[1])
        query = query.where(
            or_(
                FinancingProgramme.programme > name,
                (FinancingProgramme.programme == name) & (FinancingProgramme.id > last),
            )
        )
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    return _page(rows, limit, lambda r: (r.programme, str(r.id)))


async def get_financing_programme(programme_id: uuid.UUID, *, session: AsyncSession) -> FinancingProgramme:
    row = await session.get(FinancingProgramme, programme_id)
    if row is None:
        raise NotFound("financing programme", programme_id, code="financing_programme_not_found")
    return row


async def list_documents(
    *,
    session: AsyncSession,
    kind: str | None = None,
    country: str | None = None,
    session_name: str | None = None,
    organization_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Document], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Document).order_by(Document.position, Document.id)
    if kind:
        query = query.where(Document.kind == kind)
    if country:
        query = query.where(Document.country == country.upper())
    if session_name:
        query = query.where(Document.session == session_name)
    if organization_id:
        query = query.where(Document.organization_id == organization_id)
    if (after := decode_cursor(cursor)) is not None:
        pos, last = int(after[0]), uuid.UUID(after[1])
        query = query.where(or_(Document.position > pos, (Document.position == pos) & (Document.id > last)))
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    return _page(rows, limit, lambda r: (r.position, str(r.id)))


async def get_document(document_id: uuid.UUID, *, session: AsyncSession) -> Document:
    row = await session.get(Document, document_id)
    if row is None:
        raise NotFound("document", document_id, code="document_not_found")
    return row


async def list_participants(
    *,
    session: AsyncSession,
    signed_in: bool,
    organization_id: uuid.UUID | None = None,
    country: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Participant], list[str], str | None]:
    """Anonymous callers see only people not marked members-only (none of the 2015 participants)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Participant).order_by(Participant.name, Participant.id)
    if not signed_in:
        query = query.where(Participant.members_only.is_(False))
    if organization_id:
        query = query.where(Participant.organization_id == organization_id)
    if country:
        query = query.where(Participant.country == country.upper())
    if (after := decode_cursor(cursor)) is not None:
        name, last = after[0], uuid.UUID(after[1])
        query = query.where(
            or_(Participant.name > name, (Participant.name == name) & (Participant.id > last))
        )
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    return _page(rows, limit, lambda r: (r.name, str(r.id)))

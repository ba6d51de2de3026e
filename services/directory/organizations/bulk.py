"""Bulk import: many organizations in one transaction, still one outbox event each.

The same rules as ``register_organization`` (they share ``_apply``), but rows, tags, search entries and
outbox rows are written with one multi-row INSERT per table and chunk instead of one per row.
A refused row is reported and skipped; the others are imported.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, insert, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Country, Organization, outbox
from services.directory.organizations import profile, rules, search_index
from services.directory.organizations.events import profile_event
from services.directory.schemas import OrganizationIn
from shared.db import OUTBOX_PENDING
from shared.errors import DomainError
from shared.events.directory import OrganizationRegistered
from shared.logging import correlation_id
from shared.text import fold

CHUNK = 1000
_COLUMNS = [c.key for c in Organization.__table__.columns]
_TEXT_DEFAULTS = dict.fromkeys(("description", "description_en", "offers", "seeks"), "")
_BLANK: dict[str, Any] = (
    {c: None for c in _COLUMNS}
    | _TEXT_DEFAULTS
    | {
        "figures": {},
        "completeness": 0,
        "verification_status": "pending",
        "search_text": "",
    }
)
for _list in ("sectors", "products", "target_markets", "certifications", "languages"):
    _BLANK[_list] = []


@dataclass
class ImportResult:
    imported: int = 0
    ids: list[uuid.UUID | None] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


async def import_organizations(rows: list[OrganizationIn], *, session: AsyncSession) -> ImportResult:
    countries = {c.iso2: c for c in (await session.execute(select(Country))).scalars()}
    result = ImportResult(ids=[None] * len(rows))
    for start in range(0, len(rows), CHUNK):
        await _chunk(session, rows[start : start + CHUNK], start, countries, result)
    return result


async def _chunk(
    session: AsyncSession,
    rows: list[OrganizationIn],
    offset: int,
    countries: dict[str, Country],
    result: ImportResult,
) -> None:
    valid: list[tuple[int, Organization]] = []
    for i, data in enumerate(rows, start=offset):
        try:
            valid.append((i, await _build(session, data, countries)))
        except DomainError as exc:
            result.errors.append({"index": i, **exc.to_dict()})
    taken = await _existing_keys(session, [o for _, o in valid])
    fresh: list[tuple[int, Organization]] = []
    for i, org in valid:
        keys = {("name", org.name_key, org.country)} | ({("tax", org.tax_id)} if org.tax_id else set())
        if keys & taken:
            result.errors.append(
                {"index": i, "code": "duplicate_organization", "message": "already registered", "details": {}}
            )
            continue
        taken |= keys
        fresh.append((i, org))
    if not fresh:
        return
    values = [{c: getattr(org, c) for c in _COLUMNS} for _, org in fresh]
    await session.execute(insert(Organization.__table__), values)
    await search_index.index_many(session, values)
    await session.execute(insert(outbox), [_outbox_row(org) for _, org in fresh])
    session.info[OUTBOX_PENDING] = True
    for i, org in fresh:
        result.ids[i] = org.id
    result.imported += len(fresh)


async def _build(session: AsyncSession, data: OrganizationIn, countries: dict[str, Country]) -> Organization:
    profile.check_length("name", data.name)
    country = countries.get(data.country) if data.country else None
    if country is None and (data.country or data.kind.value not in rules.COUNTRYLESS_KINDS):
        raise DomainError("unknown_country", f"{data.country} is not an ISO 3166 country code")
    # A plain record, not an ORM instance: the same rules apply (they only read and set attributes),
    # without the ORM's per-attribute bookkeeping, which dominated the bulk path's time.
    now = _now()
    fields = {
        "id": uuid.uuid4(),
        "kind": data.kind.value,
        "name": data.name,
        "name_key": fold(data.name),
        "country": data.country,
        "created_at": now,
        "updated_at": now,
    }
    org = SimpleNamespace(**(_BLANK | fields))
    await rules.apply_fields(org, data, session=session)  # type: ignore[arg-type]
    rules.derive(org, country)  # type: ignore[arg-type]
    return org  # type: ignore[return-value]


async def _existing_keys(session: AsyncSession, orgs: list[Organization]) -> set[tuple[Any, ...]]:
    if not orgs:
        return set()
    pairs = [(o.name_key, o.country) for o in orgs if o.country]
    tax_ids = [o.tax_id for o in orgs if o.tax_id]
    clauses = []
    if pairs:
        clauses.append(tuple_(Organization.name_key, Organization.country).in_(pairs))
    names_no_country = [o.name_key for o in orgs if not o.country]
    if names_no_country:
        clauses.append(and_(Organization.country.is_(None), Organization.name_key.in_(names_no_country)))
    if tax_ids:
        clauses.append(Organization.tax_id.in_(tax_ids))
    query = select(Organization.name_key, Organization.country, Organization.tax_id).where(or_(*clauses))
    taken: set[tuple[Any, ...]] = set()
    for name_key, country, tax_id in (await session.execute(query)).all():
        taken.add(("name", name_key, country))
        if tax_id:
            taken.add(("tax", tax_id))
    return taken


def _outbox_row(org: Organization) -> dict[str, Any]:
    envelope = profile_event(OrganizationRegistered, org).envelope(
        subject=str(org.id), correlation_id=correlation_id.get()
    )
    return {
        "event_id": envelope.id,
        "subject": OrganizationRegistered.spec.subject,
        "type": envelope.type,
        "payload": envelope.to_json().decode(),
        "created_at": envelope.time,
        "attempts": 0,
    }


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)

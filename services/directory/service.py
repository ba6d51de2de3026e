"""Directory's use cases: the only code that changes directory's state. Each takes the session last."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Country, Organization, outbox
from services.directory.schemas import OrganizationIn
from shared.errors import DomainError, NotFound
from shared.events.directory import OrganizationRegistered
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.text import fold


async def register_organization(
    data: OrganizationIn, *, session: AsyncSession, seed_key: str | None = None
) -> Organization:
    if await session.get(Country, data.country) is None:
        raise DomainError(
            "unknown_country",
            f"{data.country} is not an ISO 3166 country code",
            details={"country": data.country},
        )
    name_key = fold(data.name)
    clash = or_(and_(Organization.name_key == name_key, Organization.country == data.country))
    if data.tax_id:
        clash = or_(clash, Organization.tax_id == data.tax_id)
    existing = (await session.execute(select(Organization).where(clash).limit(1))).scalar_one_or_none()
    if existing is not None:
        raise DomainError(
            "duplicate_organization",
            "an organization with this name in this country, or this tax id, is already registered",
            details={"existing_id": str(existing.id)},
        )
    org = Organization(
        id=uuid.uuid4(),
        kind=data.kind.value,
        name=data.name,
        name_key=name_key,
        acronym=data.acronym,
        country=data.country,
        tax_id=data.tax_id,
        description=data.description,
        sectors=data.sectors,
        website=data.website,
        seed_key=seed_key,
    )
    session.add(org)
    await session.flush()
    await record(
        session,
        outbox,
        OrganizationRegistered(
            organization_id=org.id, name=org.name, kind=org.kind, country=org.country, sectors=org.sectors
        ),
        subject=str(org.id),
    )
    return org


async def get_organization(organization_id: uuid.UUID, *, session: AsyncSession) -> Organization:
    org = await session.get(Organization, organization_id)
    if org is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    return org


async def get_organizations(ids: list[uuid.UUID], *, session: AsyncSession) -> list[Organization]:
    """Batch read for the gateway's DataLoaders: unknown ids are simply absent."""
    if not ids:
        return []
    return list((await session.execute(select(Organization).where(Organization.id.in_(ids)))).scalars())


async def list_organizations(
    *,
    session: AsyncSession,
    country: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Organization], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Organization).order_by(Organization.name_key, Organization.id)
    if country:
        query = query.where(Organization.country == country.upper())
    if kind:
        query = query.where(Organization.kind == kind)
    if (after := decode_cursor(cursor)) is not None:
        key, last_id = after
        query = query.where(
            or_(
                Organization.name_key > key,
                and_(Organization.name_key == key, Organization.id > uuid.UUID(last_id)),
            )
        )
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r.name_key, str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)


async def list_countries(*, session: AsyncSession) -> list[Country]:
    return list((await session.execute(select(Country).order_by(Country.iso2))).scalars())

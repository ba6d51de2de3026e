"""Directory's organization use cases: the only code that changes organizations. Session is keyword-only.

``actor`` is the signed-in principal, or None for the system itself (the seed loader). Only an
organization's managers (or an admin) may change it; registering makes the registrant its manager.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import memberships
from services.directory.models import Country, Organization, outbox
from services.directory.organizations import profile, search_index
from services.directory.organizations.events import profile_event
from services.directory.reference import REGIONS
from services.directory.schemas import OrganizationIn, OrganizationPatch, ProfileFields
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.directory import OrganizationDeleted, OrganizationRegistered, OrganizationUpdated
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.text import fold

# Regional bodies, and regional business associations such as CASME, belong to no one country.
COUNTRYLESS_KINDS = frozenset({"regional_body", "business_association"})


async def register_organization(
    data: OrganizationIn,
    *,
    session: AsyncSession,
    actor: Principal | None,
    seed_key: str | None = None,
    figures: dict[str, Any] | None = None,
) -> Organization:
    profile.check_length("name", data.name)
    country = await _country(session, data.country, kind=data.kind.value)
    name_key = fold(data.name)
    org = Organization(
        id=uuid.uuid4(),
        kind=data.kind.value,
        name=data.name,
        name_key=name_key,
        country=data.country,
        seed_key=seed_key,
        figures=figures or {},
        sectors=[],
        products=[],
        target_markets=[],
        certifications=[],
        languages=[],
        description="",
        description_en="",
        offers="",
        seeks="",
    )
    await _apply(org, data, session=session)
    await _refuse_duplicate(session, org)
    _derive(org, country)
    session.add(org)
    await session.flush()
    await search_index.reindex(session, org)
    if actor is not None:
        await memberships.add_organization_manager(session, user_id=actor.user_id, organization_id=org.id)
    await record(session, outbox, profile_event(OrganizationRegistered, org), subject=str(org.id))
    return org


async def update_organization(
    organization_id: uuid.UUID, patch: OrganizationPatch, *, session: AsyncSession, actor: Principal | None
) -> Organization:
    org = await get_organization(organization_id, session=session)
    await require_manager(session, org, actor)
    if patch.name is not None:
        profile.check_length("name", patch.name)
        org.name, org.name_key = patch.name, fold(patch.name)
    if patch.country is not None:
        org.country = patch.country
    country = await _country(session, org.country, kind=org.kind)
    await _apply(org, patch, session=session)
    await _refuse_duplicate(session, org)
    _derive(org, country)
    org.updated_at = datetime.now(UTC)
    await session.flush()
    await search_index.reindex(session, org)
    await record(session, outbox, profile_event(OrganizationUpdated, org), subject=str(org.id))
    return org


async def delete_organization(
    organization_id: uuid.UUID, *, session: AsyncSession, actor: Principal | None
) -> None:
    org = await get_organization(organization_id, session=session)
    await require_manager(session, org, actor)
    # Release the name and tax id so the organization may register again; keep the row for references.
    org.deleted_at = datetime.now(UTC)
    org.name_key = f"~deleted~{org.id.hex}"
    org.tax_id = None
    org.seed_key = None
    await session.flush()
    await search_index.unindex(session, org)
    await record(session, outbox, OrganizationDeleted(organization_id=org.id), subject=str(org.id))


async def require_manager(session: AsyncSession, org: Organization, actor: Principal | None) -> None:
    if actor is None or Role.admin in actor.roles:
        return
    if not await memberships.is_organization_manager(session, user_id=actor.user_id, organization_id=org.id):
        raise DomainError(
            "forbidden", "only this organization's managers may change it", details={"id": str(org.id)}
        )


async def get_organization(organization_id: uuid.UUID, *, session: AsyncSession) -> Organization:
    org = await session.get(Organization, organization_id)
    if org is None or org.deleted_at is not None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    return org


async def get_organizations(ids: list[uuid.UUID], *, session: AsyncSession) -> list[Organization]:
    """Batch read for the gateway's DataLoaders: unknown and deleted ids are simply absent."""
    if not ids:
        return []
    query = select(Organization).where(Organization.id.in_(ids), Organization.deleted_at.is_(None))
    return list((await session.execute(query)).scalars())


async def find_by_seed_key(seed_key: str, *, session: AsyncSession) -> Organization | None:
    query = select(Organization).where(Organization.seed_key == seed_key)
    return (await session.execute(query)).scalar_one_or_none()


async def list_organizations(
    *,
    session: AsyncSession,
    country: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Organization], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(Organization)
        .where(Organization.deleted_at.is_(None))
        .order_by(Organization.name_key, Organization.id)
    )
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


async def _country(session: AsyncSession, code: str | None, *, kind: str) -> Country | None:
    if code is None:
        if kind in COUNTRYLESS_KINDS:
            return None
        raise DomainError(
            "unknown_country", "a country is required (ISO 3166 alpha-2)", details={"country": None}
        )
    country = await session.get(Country, code)
    if country is None:
        raise DomainError(
            "unknown_country", f"{code} is not an ISO 3166 country code", details={"country": code}
        )
    return country


async def _apply(org: Organization, data: ProfileFields, *, session: AsyncSession) -> None:
    """Validate and copy the fields that were sent; nothing is written until every check passed."""
    sent = data.model_fields_set
    values: dict[str, Any] = {}
    for field in (
        "acronym",
        "province",
        "tax_id",
        "description",
        "description_en",
        "offers",
        "seeks",
        "website",
    ):
        if field in sent:
            value = getattr(data, field)
            profile.check_length(field, value)
            values[field] = value if value is not None or field not in _TEXTS else ""
    if "sectors" in sent:
        values["sectors"] = profile.check_sectors(data.sectors or [])
    if "products" in sent:
        products = []
        for p in data.products or []:
            profile.check_length("product.description_es", p.description_es)
            profile.check_length("product.description_en", p.description_en)
            products.append(
                {
                    "hs_code": profile.normalize_hs_code(p.hs_code),
                    "description_es": p.description_es,
                    "description_en": p.description_en,
                }
            )
        values["products"] = products
    if "target_markets" in sent:
        values["target_markets"] = await _markets(session, data.target_markets or [])
    if "certifications" in sent:
        for c in data.certifications or []:
            profile.check_length("certification", c)
        values["certifications"] = list(dict.fromkeys(c for c in data.certifications or [] if c))
    for field in ("value_chain_role", "export_status"):
        if field in sent:
            value = getattr(data, field)
            values[field] = value.value if value is not None else None
    for field in ("employees", "member_count", "founded_year"):
        if field in sent:
            values[field] = getattr(data, field)
    if "languages" in sent:
        values["languages"] = data.languages or []
    for field, value in values.items():
        setattr(org, field, value)
    if org.tax_id is not None:
        org.tax_id = org.tax_id.strip() or None


_TEXTS = {"description", "description_en", "offers", "seeks"}


async def _markets(session: AsyncSession, markets: list[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in markets:
        code = raw.strip()
        if code.lower() in REGIONS:
            cleaned.append(code.lower())
        elif len(code) == 2 and await session.get(Country, code.upper()) is not None:
            cleaned.append(code.upper())
        else:
            raise DomainError(
                "unknown_market",
                f"{raw!r} is neither an ISO 3166 country code nor a region code",
                details={"market": raw},
            )
    return list(dict.fromkeys(cleaned))


async def _refuse_duplicate(session: AsyncSession, org: Organization) -> None:
    same_country = (
        Organization.country.is_(None) if org.country is None else Organization.country == org.country
    )
    clash = and_(Organization.name_key == org.name_key, same_country)
    if org.tax_id:
        clash = or_(clash, Organization.tax_id == org.tax_id)
    query = select(Organization.id).where(clash, Organization.id != org.id).limit(1)
    with session.no_autoflush:
        existing = (await session.execute(query)).scalar_one_or_none()
    if existing is not None:
        raise DomainError(
            "duplicate_organization",
            "an organization with this name in this country, or this tax id, is already registered",
            details={"existing_id": str(existing)},
        )


def _derive(org: Organization, country: Country | None) -> None:
    org.size_class = profile.size_class(org.employees)
    org.completeness = profile.completeness(org)
    names = (country.name_es, country.name_en) if country is not None else ()
    org.search_text = profile.search_text(org, names)

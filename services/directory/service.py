"""Directory's organization use cases: the only code that changes organizations. Session is keyword-only.

``actor`` is the signed-in principal, or None for the system itself (the seed loader). Only an
organization's managers (or an admin) may change it; registering makes the registrant its manager.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import memberships
from services.directory.models import Country, Organization, outbox
from services.directory.organizations import profile, rules, search_index
from services.directory.organizations.events import profile_event
from services.directory.schemas import OrganizationIn, OrganizationPatch
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.directory import OrganizationDeleted, OrganizationRegistered, OrganizationUpdated
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.text import fold


async def register_organization(
    data: OrganizationIn,
    *,
    session: AsyncSession,
    actor: Principal | None,
    seed_key: str | None = None,
    figures: dict[str, Any] | None = None,
    seed_values: dict[str, Any] | None = None,
) -> Organization:
    profile.check_length("name", data.name)
    country = await rules.country_of(session, data.country, kind=data.kind.value)
    name_key = fold(data.name)
    org = Organization(
        id=uuid.uuid4(),
        kind=data.kind.value,
        name=data.name,
        name_key=name_key,
        country=data.country,
        seed_key=seed_key,
        seed_values=seed_values,
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
    await rules.apply_fields(org, data, session=session)
    await rules.refuse_duplicate(session, org)
    rules.derive(org, country)
    session.add(org)
    await session.flush()
    await search_index.reindex(session, org)
    if actor is not None:
        await memberships.add_organization_manager(session, user_id=actor.user_id, organization_id=org.id)
    await record(session, outbox, profile_event(OrganizationRegistered, org), subject=str(org.id))
    return org


async def update_organization(
    organization_id: uuid.UUID,
    patch: OrganizationPatch,
    *,
    session: AsyncSession,
    actor: Principal | None,
    figures: dict[str, Any] | None = None,
    seed_values: dict[str, Any] | None = None,
) -> Organization:
    """``figures`` and ``seed_values`` come from the seed loader (as the system) only."""
    org = await get_organization(organization_id, session=session)
    await require_manager(session, org, actor)
    if patch.name is not None:
        profile.check_length("name", patch.name)
        org.name, org.name_key = patch.name, fold(patch.name)
    if patch.country is not None:
        org.country = patch.country
    country = await rules.country_of(session, org.country, kind=org.kind)
    await rules.apply_fields(org, patch, session=session)
    await rules.refuse_duplicate(session, org)
    rules.derive(org, country)
    if figures is not None:
        org.figures = figures
    if seed_values is not None:
        org.seed_values = seed_values
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
    columns: Sequence[Any] | None = None,
) -> tuple[list[Any], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    # `columns`: only these (a Projection's), as rows with attribute access instead of ORM objects.
    wanted = (Organization,) if columns is None else (Organization.id, Organization.name_key, *columns)
    query = (
        select(*wanted)
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
    result = await session.execute(query.limit(limit + 1))
    rows = list(result.scalars() if columns is None else result)
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r.name_key, str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)


async def list_countries(*, session: AsyncSession) -> list[Country]:
    return list((await session.execute(select(Country).order_by(Country.iso2))).scalars())

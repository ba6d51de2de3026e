"""Seeded organizations: registered once, and kept in step with later edits of the seed file.

Every seeded organization keeps what the seed said when it was last applied (``seed_values``). On a
reload a row is compared with it: the fields the curators changed since are applied through
``update_organization`` (one ``OrganizationUpdated``); fields they did not change are left alone,
whatever the organization's managers did to them. An unchanged seed writes nothing and emits nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import service
from services.directory.models import Organization, outbox
from services.directory.organizations import profile
from services.directory.schemas import OrganizationIn, OrganizationPatch
from shared.errors import DomainError
from shared.events.directory import ConsortiumCreated
from shared.outbox import record

# What a seed row sets; anything else on a seeded organization is its managers' to edit.
SEEDED_FIELDS = (
    "kind",
    "name",
    "country",
    "acronym",
    "description",
    "description_en",
    "sectors",
    "products",
    "target_markets",
    "member_count",
    "founded_year",
    "website",
)


def organization_in(row: dict[str, Any]) -> OrganizationIn:
    return OrganizationIn.model_validate(
        {
            "kind": row["kind"],
            "name": row["name"],
            "country": row["country"],
            "acronym": row["acronym"],
            "description": row["description_es"] or "",
            "description_en": row["description_en"] or "",
            "sectors": row["sectors"],
            "products": [
                {
                    "hs_code": p["hs_code"],
                    "description_es": p["description_es"],
                    "description_en": p["description_en"],
                }
                for p in row["products"]
            ],
            "target_markets": row["target_markets"],
            "member_count": row["member_count"],
            "founded_year": row["founded_year"],
            "website": row["website"],
        }
    )


def seed_values(data: OrganizationIn, figures: dict[str, Any]) -> dict[str, Any]:
    """The seeded fields as they are stored (HS codes normalized), plus the figures."""
    values = data.model_dump(mode="json", include=set(SEEDED_FIELDS))
    values["products"] = [
        p | {"hs_code": profile.normalize_hs_code(p["hs_code"])} for p in values["products"]
    ]
    return values | {"figures": figures}


def stored_values(org: Organization) -> dict[str, Any]:
    """The same fields read from the row: the baseline of organizations seeded before seed_values."""
    values = {field: getattr(org, field) for field in SEEDED_FIELDS}
    values["products"] = [
        {k: p.get(k) for k in ("hs_code", "description_es", "description_en")} for p in org.products
    ]
    return values | {"figures": org.figures}


async def seeded(session: AsyncSession) -> dict[str, Organization]:
    query = select(Organization).where(Organization.seed_key.is_not(None))
    return {org.seed_key: org for org in (await session.execute(query)).scalars()}  # type: ignore[misc]


async def register(session: AsyncSession, row: dict[str, Any]) -> Organization:
    data = organization_in(row)
    values = seed_values(data, row["figures"])
    # Every check runs before anything is added: a refused row leaves the transaction clean.
    org = await service.register_organization(
        data, session=session, actor=None, seed_key=row["id"], figures=row["figures"], seed_values=values
    )
    if org.kind == "consortium":
        # Announced as one created by hand is (consortia.service), with no manager: nobody has
        # claimed it yet.
        created = ConsortiumCreated(
            consortium_id=org.id, name=org.name, country=org.country or "", manager_user_id=None
        )
        await record(session, outbox, created, subject=str(org.id))
    return org


async def reapply(session: AsyncSession, org: Organization, row: dict[str, Any]) -> bool:
    """Apply what the seed row changed since it was last applied; True when something changed."""
    values = seed_values(organization_in(row), row["figures"])
    before = org.seed_values or stored_values(org)
    changed = {k for k, v in values.items() if before.get(k) != v}
    if not changed:
        if org.seed_values is None:
            # Seeded before seed_values were kept: from now on the seed, not the row, is the baseline,
            # so later edits by the managers are not mistaken for seed edits. Bookkeeping, no event.
            org.seed_values = values
        return False
    if "kind" in changed:
        raise DomainError("validation_error", "an organization's kind cannot change; add a new seed row")
    org_id: uuid.UUID = org.id
    patch = OrganizationPatch.model_validate({k: values[k] for k in changed - {"figures"}})
    try:
        await service.update_organization(
            org_id,
            patch,
            session=session,
            actor=None,
            figures=values["figures"] if "figures" in changed else None,
            seed_values=values,
        )
    except DomainError:
        # Refused before anything was flushed: forget the fields already copied onto the row.
        session.expire(org)
        raise
    return True

"""Verification: agency officers vouch for organizations of their own country (regional bodies' for any).

The decision is kept in organization_verifications and mirrored on the organization as its badge,
so profile events and search facets carry it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts.models import User
from services.directory.memberships import is_organization_manager
from services.directory.models import Organization, outbox
from services.directory.organizations import search_index
from services.directory.verification.models import OrganizationVerification
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.directory import OrganizationVerified
from shared.outbox import record


async def request_verification(
    organization_id: uuid.UUID, *, session: AsyncSession, by: Principal
) -> OrganizationVerification:
    """An organization's manager asks to be verified (again, after a rejection)."""
    org = await _organization(session, organization_id)
    if Role.admin not in by.roles and not await is_organization_manager(
        session, user_id=by.user_id, organization_id=org.id
    ):
        raise DomainError("forbidden", "only this organization's managers may ask for verification")
    decision = await _decision(session, org.id)
    if decision.status == "verified":
        raise DomainError("invalid_transition", "this organization is already verified")
    decision.status, decision.reason, decision.requested_at = "pending", None, datetime.now(UTC)
    org.verification_status = "pending"
    await session.flush()
    await search_index.reindex(session, org)  # the badge is a search facet and filter
    return decision


async def decide(
    organization_id: uuid.UUID, status: str, reason: str | None, *, session: AsyncSession, by: Principal
) -> OrganizationVerification:
    org = await _organization(session, organization_id)
    agency = await _officer_agency(session, by)
    if agency is not None and agency.kind != "regional_body" and agency.country != org.country:
        raise DomainError(
            "forbidden",
            f"officers of {agency.name} verify organizations of {agency.country} only",
            details={"agency_country": agency.country, "organization_country": org.country},
        )
    if status == "rejected" and not (reason or "").strip():
        raise DomainError(
            "reason_required", "say why the organization is rejected", details={"field": "reason"}
        )
    decision = await _decision(session, org.id)
    decision.status, decision.reason = status, (reason or None)
    decision.decided_by, decision.agency_id, decision.decided_at = (
        by.user_id,
        agency.id if agency else None,
        datetime.now(UTC),
    )
    org.verification_status = status
    await session.flush()
    await search_index.reindex(session, org)
    verified = OrganizationVerified(
        organization_id=org.id, status=status, verified_by=by.user_id, reason=decision.reason
    )
    await record(session, outbox, verified, subject=str(org.id))
    return decision


async def get_verification(organization_id: uuid.UUID, *, session: AsyncSession) -> OrganizationVerification:
    await _organization(session, organization_id)
    found = await session.get(OrganizationVerification, organization_id)
    return found or OrganizationVerification(organization_id=organization_id, status="pending")


async def get_verifications(ids: list[uuid.UUID], *, session: AsyncSession) -> list[OrganizationVerification]:
    """Decisions of many organizations; those never decided are absent (pending)."""
    if not ids:
        return []
    query = select(OrganizationVerification).where(OrganizationVerification.organization_id.in_(ids))
    return list((await session.execute(query)).scalars())


async def _officer_agency(session: AsyncSession, by: Principal) -> Organization | None:
    """The agency the officer acts for (None for administrators, who may verify anywhere)."""
    if Role.admin in by.roles:
        return None
    if Role.agency_officer not in by.roles:
        raise DomainError("forbidden", "only agency officers verify organizations")
    user = await session.get(User, by.user_id)
    # The token's role is re-checked against directory's own record: a revoked officer stops at once.
    if user is None or Role.agency_officer.value not in user.roles or user.agency_id is None:
        raise DomainError("forbidden", "this account does not act for an agency")
    agency = await session.get(Organization, user.agency_id)
    if agency is None:
        raise DomainError("forbidden", "this officer's agency no longer exists")
    return agency


async def _organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    org = await session.get(Organization, organization_id)
    if org is None or org.deleted_at is not None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    return org


async def _decision(session: AsyncSession, organization_id: uuid.UUID) -> OrganizationVerification:
    decision = await session.get(OrganizationVerification, organization_id)
    if decision is None:
        decision = OrganizationVerification(organization_id=organization_id, status="pending")
        session.add(decision)
    return decision

"""Consortia's use cases: create, invite, accept, leave. Memberships go invited -> active -> left.

Consortium managers are the people who manage the consortium's own organization; an invitation is
accepted by a manager of the invited organization; either side may end a membership.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import service as organizations
from services.directory.accounts.models import User
from services.directory.consortia.models import ConsortiumMembership
from services.directory.consortia.schemas import ConsortiumIn
from services.directory.memberships import is_organization_manager
from services.directory.models import Organization, outbox
from services.directory.schemas import OrganizationIn, OrganizationKind
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.directory import ConsortiumCreated, MemberInvited, MemberJoined, MemberLeft
from shared.outbox import record


async def create_consortium(data: ConsortiumIn, *, session: AsyncSession, by: Principal) -> Organization:
    if data.founding_organization_id is not None:
        await _require_manager(session, data.founding_organization_id, by, what="the founding organization")
    profile = data.model_dump(exclude={"founding_organization_id"}, exclude_unset=True)
    consortium = await organizations.register_organization(
        OrganizationIn(kind=OrganizationKind.consortium, **profile), session=session, actor=by
    )
    user = await session.get(User, by.user_id)
    if user is not None and Role.consortium_manager.value not in user.roles:
        user.roles = sorted({*user.roles, Role.consortium_manager.value})
    created = ConsortiumCreated(
        consortium_id=consortium.id,
        name=consortium.name,
        country=consortium.country or "",
        manager_user_id=by.user_id,
    )
    await record(session, outbox, created, subject=str(consortium.id))
    if data.founding_organization_id is not None:
        membership = ConsortiumMembership(
            consortium_id=consortium.id,
            organization_id=data.founding_organization_id,
            role="manager",
            status="invited",
            invited_by=by.user_id,
        )
        session.add(membership)
        await _activate(session, membership)
    await session.flush()
    return consortium


async def invite(
    consortium_id: uuid.UUID,
    organization_id: uuid.UUID,
    *,
    session: AsyncSession,
    by: Principal,
    role: str = "member",
) -> ConsortiumMembership:
    await get_consortium(consortium_id, session=session)
    await _require_manager(session, consortium_id, by, what="the consortium")
    org = await session.get(Organization, organization_id)
    if org is None or org.deleted_at is not None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    if org.id == consortium_id or org.kind == OrganizationKind.consortium.value:
        raise DomainError(
            "validation_error",
            "a consortium's members are organizations, not consortia",
            details={"fields": [{"field": "organization_id", "problem": "must not be a consortium"}]},
        )
    membership = await _membership(session, consortium_id, organization_id)
    if membership is not None and membership.status in ("invited", "active"):
        raise DomainError(
            "already_member",
            f"this organization is already {membership.status}",
            details={"existing_id": str(membership.id), "status": membership.status},
        )
    now = datetime.now(UTC)
    if membership is None:
        membership = ConsortiumMembership(consortium_id=consortium_id, organization_id=organization_id)
        session.add(membership)
    membership.role, membership.status, membership.invited_by = role, "invited", by.user_id
    membership.invited_at, membership.joined_at, membership.left_at = now, None, None
    await session.flush()
    invited = MemberInvited(
        consortium_id=consortium_id, organization_id=organization_id, invited_by=by.user_id
    )
    await record(session, outbox, invited, subject=str(consortium_id))
    return membership


async def accept(
    consortium_id: uuid.UUID, organization_id: uuid.UUID, *, session: AsyncSession, by: Principal
) -> ConsortiumMembership:
    membership = await _existing(session, consortium_id, organization_id)
    await _require_manager(session, organization_id, by, what="the invited organization")
    if membership.status != "invited":
        raise DomainError(
            "invalid_transition",
            f"only an invitation can be accepted; this membership is {membership.status}",
        )
    await _activate(session, membership)
    return membership


async def leave(
    consortium_id: uuid.UUID, organization_id: uuid.UUID, *, session: AsyncSession, by: Principal
) -> ConsortiumMembership:
    """The member leaves (or declines an invitation), or the consortium's managers remove it."""
    membership = await _existing(session, consortium_id, organization_id)
    if not await _manages(session, organization_id, by) and not await _manages(session, consortium_id, by):
        raise DomainError("forbidden", "only the member's or the consortium's managers may end a membership")
    if membership.status == "left":
        raise DomainError("invalid_transition", "this organization already left the consortium")
    membership.status, membership.left_at = "left", datetime.now(UTC)
    await session.flush()
    await record(
        session,
        outbox,
        MemberLeft(consortium_id=consortium_id, organization_id=organization_id),
        subject=str(consortium_id),
    )
    return membership


async def get_consortium(consortium_id: uuid.UUID, *, session: AsyncSession) -> Organization:
    org = await session.get(Organization, consortium_id)
    if org is None or org.deleted_at is not None:
        raise NotFound("consortium", consortium_id, code="consortium_not_found")
    if org.kind != OrganizationKind.consortium.value:
        raise DomainError(
            "not_a_consortium", f"{org.name} is not a consortium", details={"id": str(consortium_id)}
        )
    return org


async def may_see_invitations(
    session: AsyncSession, organization_id: uuid.UUID, viewer: Principal | None
) -> bool:
    return viewer is not None and await _manages(session, organization_id, viewer)


async def _activate(session: AsyncSession, membership: ConsortiumMembership) -> None:
    membership.status, membership.joined_at, membership.left_at = "active", datetime.now(UTC), None
    await session.flush()
    joined = MemberJoined(
        consortium_id=membership.consortium_id,
        organization_id=membership.organization_id,
        role=membership.role,
    )
    await record(session, outbox, joined, subject=str(membership.consortium_id))


async def _manages(session: AsyncSession, organization_id: uuid.UUID, by: Principal) -> bool:
    return Role.admin in by.roles or await is_organization_manager(
        session, user_id=by.user_id, organization_id=organization_id
    )


async def _require_manager(
    session: AsyncSession, organization_id: uuid.UUID, by: Principal, *, what: str
) -> None:
    if not await _manages(session, organization_id, by):
        raise DomainError(
            "forbidden", f"only the managers of {what} may do this", details={"id": str(organization_id)}
        )


async def _membership(
    session: AsyncSession, consortium_id: uuid.UUID, organization_id: uuid.UUID
) -> ConsortiumMembership | None:
    query = select(ConsortiumMembership).where(
        ConsortiumMembership.consortium_id == consortium_id,
        ConsortiumMembership.organization_id == organization_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _existing(
    session: AsyncSession, consortium_id: uuid.UUID, organization_id: uuid.UUID
) -> ConsortiumMembership:
    membership = await _membership(session, consortium_id, organization_id)
    if membership is None:
        raise NotFound("membership", f"{organization_id} in {consortium_id}", code="membership_not_found")
    return membership

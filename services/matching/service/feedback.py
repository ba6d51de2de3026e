"""Answers to suggestions: a manager of either side accepts or declines; both accepting is an introduction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.matcher import Matcher
from services.matching.models import (
    DeclinedPair,
    Introduction,
    Match,
    MatchFeedback,
    OrganizationManager,
    outbox,
)
from services.matching.service.matches import get_match
from shared.auth import Principal, Role
from shared.errors import DomainError
from shared.events.matching import IntroductionAccepted, MatchResponded
from shared.outbox import record

RESPONSES = ("accepted", "declined")


async def _managers(session: AsyncSession, organization_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        select(OrganizationManager.user_id).where(OrganizationManager.organization_id == organization_id)
    )
    return sorted(rows.scalars(), key=str)


async def respond(
    match_id: uuid.UUID,
    organization_id: uuid.UUID,
    response: str,
    principal: Principal,
    *,
    session: AsyncSession,
    matcher: Matcher | None = None,
) -> Match:
    if response not in RESPONSES:
        raise DomainError(
            "validation_error", "response is accepted or declined", details={"response": response}
        )
    m = await get_match(match_id, session=session)
    if organization_id not in (m.organization_a, m.organization_b):
        raise DomainError(
            "not_a_party",
            "this organization is not part of this match",
            details={"organization_id": str(organization_id)},
        )
    if (
        principal.user_id not in await _managers(session, organization_id)
        and Role.admin not in principal.roles
    ):
        raise DomainError("forbidden", "only a manager of the organization may answer for it")
    side = "response_a" if organization_id == m.organization_a else "response_b"
    if m.status != "open":
        if getattr(m, side) == response:
            return m  # the same answer again (a retried request) changes nothing
        raise DomainError("match_closed", f"this match is already {m.status}", details={"status": m.status})
    now = datetime.now(UTC)
    session.add(
        MatchFeedback(
            match_id=m.id,
            match_type=m.match_type,
            score=m.score,
            organization_id=organization_id,
            user_id=principal.user_id,
            response=response,
            created_at=now,
        )
    )
    setattr(m, side, response)
    m.updated_at = now
    await record(
        session,
        outbox,
        MatchResponded(
            match_id=m.id, organization_id=organization_id, responded_by=principal.user_id, response=response
        ),
        subject=str(m.id),
    )
    if response == "declined":
        m.status = "declined"
        if await session.get(DeclinedPair, (m.organization_a, m.organization_b)) is None:
            session.add(
                DeclinedPair(
                    organization_a=m.organization_a,
                    organization_b=m.organization_b,
                    declined_by=organization_id,
                    declined_at=now,
                )
            )
        # Declined under one type, the pair is not suggested under any other either.
        await session.execute(
            update(Match)
            .where(
                Match.organization_a == m.organization_a,
                Match.organization_b == m.organization_b,
                Match.status == "open",
                Match.id != m.id,
            )
            .values(status="withdrawn", updated_at=now)
        )
        if matcher is not None:
            matcher.index.decline(m.organization_a, m.organization_b)
    elif m.response_a == "accepted" and m.response_b == "accepted":
        await _introduce(session, m, now)
    return m


async def _introduce(session: AsyncSession, m: Match, now: datetime) -> None:
    m.status = "introduced"
    existing = (
        await session.execute(select(Introduction).where(Introduction.match_id == m.id))
    ).scalar_one_or_none()
    if existing is not None:
        return
    intro = Introduction(id=uuid.uuid4(), match_id=m.id, created_at=now)
    session.add(intro)
    users = await _managers(session, m.organization_a) + await _managers(session, m.organization_b)
    await record(
        session,
        outbox,
        IntroductionAccepted(
            introduction_id=intro.id,
            match_id=m.id,
            match_type=m.match_type,
            organization_ids=[m.organization_a, m.organization_b],
            user_ids=list(dict.fromkeys(users)),
        ),
        subject=str(m.id),
    )

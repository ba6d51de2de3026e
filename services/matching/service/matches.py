"""Incremental matching: an organization's suggestions recomputed from the index, stored, announced once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.matcher import Matcher
from services.matching.models import DeclinedPair, Match, OrganizationManager, OrganizationProjection, outbox
from services.matching.scoring.index import pair_key
from services.matching.scoring.score import INTER_CONSORTIUM, PARTNER, SUPPLIER, Suggestion
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.matching import MatchFound
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor

VISIBLE = ("open", "introduced")


def involving(organization_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return or_(Match.organization_a == organization_id, Match.organization_b == organization_id)


async def refresh_matches(
    organization_id: uuid.UUID, *, session: AsyncSession, matcher: Matcher
) -> list[Match]:
    """Recompute one organization's suggestions; store new ones and announce those above the threshold."""
    index, settings = matcher.index, matcher.settings
    p = index.get(organization_id)
    if p is None:
        return []
    found = [
        s
        for s in index.suggestions_for(organization_id, settings.suggestions_per_type)
        if s.score >= settings.min_score
    ]
    by_key = {(s.match_type, *s.pair): s for s in found}
    existing = {
        (m.match_type, m.organization_a, m.organization_b): m
        for m in (await session.execute(select(Match).where(involving(organization_id)))).scalars()
    }
    declined = await _declined_among(session, organization_id, [s.pair for s in found])
    now = datetime.now(UTC)
    touched: list[Match] = []
    for key, m in existing.items():
        if m.status != "open" or key in by_key:
            continue
        # Not among the best any more: keep it if it still fits, withdraw it if the pair no longer makes sense.
        again = _rescore(matcher, m)
        if again is None:
            m.status, m.updated_at = "withdrawn", now
        else:
            m.score, m.reasons_es, m.reasons_en, m.updated_at = (
                again.score,
                again.reasons_es,
                again.reasons_en,
                now,
            )
    for key, s in by_key.items():
        if s.pair in declined:
            continue
        m = existing.get(key)
        if m is None:
            m = Match(
                id=uuid.uuid4(),
                match_type=s.match_type,
                organization_a=s.pair[0],
                organization_b=s.pair[1],
                response_a="pending",
                response_b="pending",
                status="open",
                announced=False,
                created_at=now,
            )
            session.add(m)
        elif m.status not in ("open", "withdrawn"):
            continue
        m.status = "open"
        m.supplier_id, m.score, m.reasons_es, m.reasons_en, m.updated_at = (
            s.supplier_id,
            s.score,
            s.reasons_es,
            s.reasons_en,
            now,
        )
        if not m.announced and s.score >= settings.alert_threshold:
            m.announced = True
            await _announce(session, matcher, m, s)
        touched.append(m)
    return touched


def _rescore(matcher: Matcher, m: Match) -> Suggestion | None:
    index = matcher.index
    a, b = index.effective(m.organization_a), index.effective(m.organization_b)
    if a is None or b is None or pair_key(a.id, b.id) in index.declined:
        return None
    if m.match_type == PARTNER:
        return index.scorer.partner(a, b)
    if m.match_type == SUPPLIER:
        return index.scorer.supplier(a, b) if m.supplier_id == a.id else index.scorer.supplier(b, a)
    if m.match_type == INTER_CONSORTIUM:
        return index.scorer.inter_consortium(a, b)
    return None


async def _declined_among(
    session: AsyncSession, organization_id: uuid.UUID, pairs: list[tuple]
) -> set[tuple]:
    if not pairs:
        return set()
    rows = await session.execute(
        select(DeclinedPair.organization_a, DeclinedPair.organization_b).where(
            or_(
                DeclinedPair.organization_a == organization_id, DeclinedPair.organization_b == organization_id
            )
        )
    )
    return {(a, b) for a, b in rows}


async def _announce(session: AsyncSession, matcher: Matcher, m: Match, s: Suggestion) -> None:
    index = matcher.index
    a, b = index.get(s.organization_id), index.get(s.counterpart_id)
    countries = sorted({p.country for p in (a, b) if p})
    sectors = sorted({x for p in (a, b) if p for x in p.sectors})
    await record(
        session,
        outbox,
        MatchFound(
            match_id=m.id,
            match_type=m.match_type,
            organization_id=s.organization_id,
            counterpart_id=s.counterpart_id,
            score=s.score,
            reasons_es=s.reasons_es,
            reasons_en=s.reasons_en,
            countries=countries,
            sectors=sectors,
        ),
        subject=str(m.id),
    )
    for side, other in ((s.organization_id, s.counterpart_id), (s.counterpart_id, s.organization_id)):
        matcher.push_after_commit(
            session,
            str(side),
            {
                "match_id": str(m.id),
                "match_type": m.match_type,
                "organization_id": str(side),
                "counterpart_id": str(other),
                "score": s.score,
                "reasons_es": s.reasons_es,
                "reasons_en": s.reasons_en,
            },
        )


async def get_match(
    match_id: uuid.UUID, *, session: AsyncSession, principal: Principal | None = None
) -> Match:
    m = await session.get(Match, match_id)
    if m is None:
        raise NotFound("match", match_id, code="match_not_found")
    if principal is not None:
        sides = [m.organization_a, m.organization_b]
        if not any([await may_read(session, principal, side) for side in sides]):
            raise DomainError("forbidden", "only the managers of either side may read this match")
    return m


async def may_read(session: AsyncSession, principal: Principal, organization_id: uuid.UUID) -> bool:
    """An organization's suggestions are for its own people, agency officers and admins."""
    if principal.has_any(Role.agency_officer):
        return True
    row = await session.get(OrganizationManager, (organization_id, principal.user_id))
    return row is not None


async def list_matches(
    organization_id: uuid.UUID,
    *,
    session: AsyncSession,
    principal: Principal | None = None,
    match_type: str | None = None,
    min_score: float = 0.0,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Match], list[str], str | None]:
    """An organization's visible matches, best first (keyset on score, id)."""
    if await session.get(OrganizationProjection, organization_id) is None:
        raise NotFound("organization", organization_id, code="organization_not_found")
    if principal is not None and not await may_read(session, principal, organization_id):
        raise DomainError(
            "forbidden", "an organization's suggestions are for its managers and agency officers"
        )
    limit = max(1, min(limit, MAX_PAGE))
    q = select(Match).where(involving(organization_id), Match.status.in_(VISIBLE), Match.score >= min_score)
    if match_type:
        q = q.where(Match.match_type == match_type)
    if (after := decode_cursor(cursor)) is not None:
        try:
            score, last = float(after[0]), uuid.UUID(str(after[1]))
        except (ValueError, IndexError, TypeError):
            raise DomainError("validation_error", "the cursor is not one this API issued") from None
        q = q.where(or_(Match.score < score, and_(Match.score == score, Match.id > last)))
    rows = list((await session.execute(q.order_by(Match.score.desc(), Match.id).limit(limit + 1))).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r.score, str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)

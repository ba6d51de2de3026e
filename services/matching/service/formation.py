"""Consortium-formation proposals for a pool, asked by consortium managers and agency officers."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.matcher import Matcher
from services.matching.models import FormationProposal, outbox
from services.matching.schemas import FormationIn
from services.matching.scoring.formation import form
from services.matching.scoring.profile import Profile
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.matching import FormationProposed
from shared.outbox import record
from shared.reference import sectors as taxonomy


def select_pool(matcher: Matcher, body: FormationIn) -> list[Profile]:
    index = matcher.index
    if body.organization_ids:
        pool = [p for i in dict.fromkeys(body.organization_ids) if (p := index.get(i)) is not None]
    else:
        known = taxonomy()
        if body.sector and body.sector not in known:
            raise DomainError(
                "unknown_sector",
                f"{body.sector} is not in the sector taxonomy",
                details={"sector": body.sector},
            )
        wanted = (
            ({body.sector} | {c for c, s in known.items() if s.parent == body.sector})
            if body.sector
            else None
        )
        pool = [
            p
            for p in index.profiles.values()
            if p.kind == "sme"
            and (wanted is None or wanted & set(p.sectors))
            and (not body.country or p.country == body.country.upper())
            and (not body.region or body.region in (p.area, p.region))
        ]
    return sorted((p for p in pool if p.kind == "sme"), key=lambda p: str(p.id))


async def propose_formation(
    body: FormationIn, principal: Principal, *, session: AsyncSession, matcher: Matcher
) -> FormationProposal:
    principal.require(Role.consortium_manager, Role.agency_officer)
    s = matcher.settings
    lo, hi = body.min_size or s.formation_min_size, body.max_size or s.formation_max_size
    if lo > hi:
        raise DomainError(
            "validation_error", "min_size must not exceed max_size", details={"min_size": lo, "max_size": hi}
        )
    await matcher.catch_up(session)
    pool = select_pool(matcher, body)
    if len(pool) < lo:
        raise DomainError(
            "pool_too_small",
            f"the pool has {len(pool)} SMEs; a group needs at least {lo}",
            details={"pool_size": len(pool), "min_size": lo},
        )
    if len(pool) > s.formation_max_pool:
        raise DomainError(
            "validation_error",
            f"the pool is limited to {s.formation_max_pool} SMEs; narrow it",
            details={"pool_size": len(pool)},
        )
    result = form(pool, min_size=lo, max_size=hi, scorer=matcher.index.scorer)
    proposal = FormationProposal(
        id=uuid.uuid4(),
        requested_by=principal.user_id,
        pool=body.model_dump(mode="json") | {"size": len(pool), "min_size": lo, "max_size": hi},
        groups=[
            {
                "cohesion": g.cohesion,
                "members": [asdict(p) | {"organization_id": str(p.organization_id)} for p in g.members],
            }
            for g in result.groups
        ],
        unassigned=[u | {"organization_id": str(u["organization_id"])} for u in result.unassigned],
        created_at=datetime.now(UTC),
    )
    session.add(proposal)
    await record(
        session,
        outbox,
        FormationProposed(
            proposal_id=proposal.id,
            requested_by=principal.user_id,
            group_count=len(result.groups),
            pool=proposal.pool,
        ),
        subject=str(proposal.id),
    )
    return proposal


async def get_formation(proposal_id: uuid.UUID, *, session: AsyncSession) -> FormationProposal:
    row = await session.get(FormationProposal, proposal_id)
    if row is None:
        raise NotFound("formation proposal", proposal_id, code="formation_not_found")
    return row

"""Check-up use cases: submit (managers only) and read the history. The newest score joins the profile."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory import service
from services.directory.models import ExportCheckup, outbox
from services.directory.organizations import checkup, profile, search_index
from services.directory.organizations.events import profile_event
from shared.auth import Principal
from shared.events.directory import OrganizationUpdated
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


async def submit_checkup(
    organization_id: uuid.UUID, answers: dict[str, str], *, session: AsyncSession, actor: Principal | None
) -> ExportCheckup:
    org = await service.get_organization(organization_id, session=session)
    await service.require_manager(session, org, actor)
    overall, dimensions = checkup.score(answers)
    entry = ExportCheckup(
        id=uuid.uuid4(),
        organization_id=org.id,
        questionnaire_version=checkup.VERSION,
        answers=dict(answers),
        dimension_scores=dimensions,
        score=overall,
        submitted_by=actor.user_id if actor else None,
    )
    session.add(entry)
    # The score is part of the public profile, but a check-up is not a profile edit: updated_at
    # (what staleness is measured from) is left alone.
    org.export_checkup_score = overall
    org.completeness = profile.completeness(org)
    await session.flush()
    await search_index.reindex(session, org)  # completeness orders search results (rank_key)
    await record(session, outbox, profile_event(OrganizationUpdated, org), subject=str(org.id))
    return entry


async def checkup_history(
    organization_id: uuid.UUID, *, session: AsyncSession, cursor: str | None = None, limit: int = 20
) -> tuple[list[ExportCheckup], list[str], str | None]:
    """Newest first."""
    await service.get_organization(organization_id, session=session)
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(ExportCheckup)
        .where(ExportCheckup.organization_id == organization_id)
        .order_by(ExportCheckup.created_at.desc(), ExportCheckup.id.desc())
    )
    if (after := decode_cursor(cursor)) is not None:
        from datetime import datetime

        when, last = datetime.fromisoformat(after[0]), uuid.UUID(after[1])
        query = query.where(
            (ExportCheckup.created_at < when)
            | ((ExportCheckup.created_at == when) & (ExportCheckup.id < last))
        )
    rows = list((await session.execute(query.limit(limit + 1))).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r.created_at.isoformat(), str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if has_more else None)

"""Stale profiles: organizations untouched for twelve months get one ProfileStale per staleness period.

A reminder row remembers which profile version (its ``updated_at``) was announced, so running the
sweep again changes nothing until the profile is edited and then goes stale once more. The sweep
runs inside directory every ``stale_check_interval_s``, or once from the command line:

    python -m services.directory.verification.stale
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Organization, outbox
from services.directory.verification.models import StaleProfileReminder
from shared.events.directory import ProfileStale
from shared.outbox import record

log = logging.getLogger(__name__)


async def remind_stale_profiles(
    *, session: AsyncSession, now: datetime | None = None, after_days: int = 365, batch: int = 500
) -> int:
    """Announce every organization stale since its last edit and not yet reminded; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=after_days)
    query = (
        select(Organization, StaleProfileReminder)
        .outerjoin(StaleProfileReminder, StaleProfileReminder.organization_id == Organization.id)
        .where(
            Organization.updated_at < cutoff,
            Organization.deleted_at.is_(None),
            or_(
                StaleProfileReminder.organization_id.is_(None),
                StaleProfileReminder.last_updated < Organization.updated_at,
            ),
        )
        .order_by(Organization.updated_at, Organization.id)
        .limit(batch)
    )
    reminded = 0
    for org, reminder in (await session.execute(query)).all():
        if reminder is None:
            session.add(StaleProfileReminder(organization_id=org.id, last_updated=org.updated_at))
        else:
            reminder.last_updated, reminder.reminded_at = org.updated_at, datetime.now(UTC)
        stale = ProfileStale(organization_id=org.id, last_updated=_iso(org.updated_at))
        await record(session, outbox, stale, subject=str(org.id))
        reminded += 1
    await session.flush()
    return reminded


async def sweep(runtime) -> None:  # type: ignore[no-untyped-def]
    """One sweep inside the running service (a shared.runtime background job)."""
    async with runtime.session() as session:
        count = await remind_stale_profiles(session=session, after_days=runtime.settings.stale_after_days)
    if count:
        log.info("stale profiles reminded", extra={"count": count})


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


async def _main() -> None:
    from services.directory.config import get_settings
    from shared.db import create_engine, create_session_factory, unit_of_work

    settings = get_settings()
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            count = await remind_stale_profiles(session=session, after_days=settings.stale_after_days)
        print(f"{count} stale profiles reminded (the outbox relay publishes them when directory runs)")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(_main())

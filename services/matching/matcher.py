"""What a running matching process holds beside its database: the candidate index and the live pushes.

The index is loaded from the read model at start-up and kept current by the handlers, so a request
never scans the organizations table. Live pushes go out on core NATS after the transaction commits
(a lost push is harmless: the durable fact is the match.found event and the stored match).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.matching.config import MatchingSettings
from services.matching.models import (
    ConsortiumMembership,
    DeclinedPair,
    OrganizationManager,
    OrganizationProjection,
    OrganizationTombstone,
)
from services.matching.scoring.index import CandidateIndex
from services.matching.scoring.profile import Profile
from shared.messaging import live

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)
_LIVE = "matching_live_pushes"
# Rows committed out of order (a slow transaction stamped earlier) are still seen within this window.
LOOKBACK = timedelta(seconds=60)
# Who answers for an organization; staff of two firms do not make them one firm.
DECIDING_ROLES = frozenset({"owner", "manager"})


class Matcher:
    def __init__(self, settings: MatchingSettings) -> None:
        self.settings = settings
        self.index = CandidateIndex()
        self.runtime: ServiceRuntime | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._applied: dict = {}  # organization id -> source event id the index holds
        self._watermark: datetime | None = None
        self._tomb_watermark: datetime | None = None

    async def load(self, session: AsyncSession) -> int:
        """Fill the index from the read model (start-up, or after a rebuild)."""
        index = CandidateIndex()
        self._applied, self._watermark = {}, None
        for row in (await session.execute(select(OrganizationProjection))).scalars():
            index.put(Profile.from_event(row.profile))
            self._note(row)
        for m in (await session.execute(select(ConsortiumMembership))).scalars():
            index.join(m.consortium_id, m.organization_id)
        for m in (await session.execute(select(OrganizationManager))).scalars():
            if m.role in DECIDING_ROLES:
                index.manage(m.organization_id, m.user_id)
        for d in (await session.execute(select(DeclinedPair))).scalars():
            index.decline(d.organization_a, d.organization_b)
        self.index = index
        self._tomb_watermark = (
            await session.execute(select(func.max(OrganizationTombstone.deleted_at)))
        ).scalar()
        return len(index)

    def _note(self, row: OrganizationProjection) -> None:
        self._applied[row.organization_id] = row.source_event_id
        if self._watermark is None or row.applied_at > self._watermark:
            self._watermark = row.applied_at

    def put(self, row: OrganizationProjection) -> None:
        """The handler applied this row: the index follows at once."""
        self.index.put(Profile.from_event(row.profile))
        self._note(row)

    async def catch_up(self, session: AsyncSession) -> int:
        """Apply what other replicas wrote to the read model since this index last looked (cheap, indexed)."""
        changed = 0
        query = select(OrganizationProjection)
        if self._watermark is not None:
            query = query.where(OrganizationProjection.applied_at > self._watermark - LOOKBACK)
        for row in (await session.execute(query)).scalars():
            if self._applied.get(row.organization_id) != row.source_event_id:
                self.put(row)
                changed += 1
        tombs = select(OrganizationTombstone)
        if self._tomb_watermark is not None:
            tombs = tombs.where(OrganizationTombstone.deleted_at > self._tomb_watermark - LOOKBACK)
        for tomb in (await session.execute(tombs)).scalars():
            if tomb.organization_id in self._applied:
                self.index.remove(tomb.organization_id)
                self._applied.pop(tomb.organization_id, None)
                changed += 1
            if self._tomb_watermark is None or tomb.deleted_at > self._tomb_watermark:
                self._tomb_watermark = tomb.deleted_at
        return changed

    def forget(self, organization_id) -> None:  # type: ignore[no-untyped-def]
        self.index.remove(organization_id)
        self._applied.pop(organization_id, None)

    async def start(self, runtime: ServiceRuntime) -> None:
        """ServiceSpec.on_start hook: runs after migrations, before the consumers."""
        self.runtime = runtime
        async with runtime.session() as session:
            count = await self.load(session)
        log.info("candidate index loaded", extra={"organizations": count})

    def push_after_commit(self, session: AsyncSession, organization_id: str, payload: dict[str, Any]) -> None:
        """Queue a live push to an organization's open subscriptions, sent only if the commit succeeds."""
        pending = session.info.setdefault(_LIVE, [])
        if not pending:
            event.listen(session.sync_session, "after_commit", self._flush, once=True)
            event.listen(session.sync_session, "after_rollback", self._forget, once=True)
        pending.append((organization_id, payload))

    def _forget(self, sync_session) -> None:  # type: ignore[no-untyped-def]
        sync_session.info.pop(_LIVE, None)

    def _flush(self, sync_session) -> None:  # type: ignore[no-untyped-def]
        pending = sync_session.info.pop(_LIVE, [])
        nc = self.runtime.nc if self.runtime else None
        if not pending or nc is None or not nc.is_connected:
            return
        task = asyncio.get_running_loop().create_task(self._publish(nc, pending))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish(self, nc, pending) -> None:  # type: ignore[no-untyped-def]
        for organization_id, payload in pending:
            try:
                subject = live.organization_matches(self.settings, organization_id)
                await nc.publish(subject, json.dumps(payload, default=str).encode())
            except Exception:  # a live push is best effort by design
                log.warning("live push failed", exc_info=True)

"""What happens only after a transaction commits: live pushes, Redis dedupe marks, waking the queue.

Pushing before the commit could show a client a notification that a rollback then erases; marking
the dedupe key before it could make a redelivery skip an event whose first attempt rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.config import NotificationsSettings
from shared.messaging.live import user_notifications

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)
_KEY = "notifications.effects"


@dataclass
class Effects:
    pushes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    wake_queue: bool = False
    forget_subscriptions: bool = False


def _forget_effects(sync_session) -> None:  # type: ignore[no-untyped-def]
    # Rolled back: nothing of it happened, so nothing may be pushed, marked or fanned out later.
    for key in (_KEY, "notifications.fanout.pending", "notifications.fanout.memo"):
        sync_session.info.pop(key, None)


@dataclass(frozen=True)
class StandingSubscription:
    user_id: uuid.UUID
    filters: dict[str, Any]
    in_app: bool
    email: str
    webhook: bool


class Hub:
    """The service's handle on the outside world, attached to the runtime at start-up."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings
        self.runtime: ServiceRuntime | None = None
        self.wake_queue = lambda: None
        self.worker: Any = None  # the DeliveryWorker, once the app has started
        self._tasks: set[asyncio.Task[None]] = set()
        self._subscriptions: dict[str, tuple[float, list[StandingSubscription]]] = {}
        self._names: dict[uuid.UUID, tuple[float, str]] = {}

    async def attach(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        # Once on the session class, not per session: registering listeners costs more than a commit.
        assert runtime.session_factory is not None
        session_class = runtime.session_factory.kw["sync_session_class"]
        event.listen(session_class, "after_commit", self._after_commit)
        event.listen(session_class, "after_rollback", _forget_effects)

    @property
    def redis(self):  # type: ignore[no-untyped-def]
        return self.runtime.redis if self.runtime else None

    async def subscriptions(self, kind: str, *, session: AsyncSession) -> list[StandingSubscription]:
        """Every subscription to a kind, cached for ``subscription_cache_s``: read on every event, written rarely.

        This replica forgets its cache when it changes a subscription; another replica's change is seen
        within the cache's lifetime.
        """
        hit = self._subscriptions.get(kind)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        from services.notifications.models import Subscription

        rows = (await session.execute(select(Subscription).where(Subscription.kind == kind))).scalars()
        found = [StandingSubscription(r.user_id, r.filters or {}, r.in_app, r.email, r.webhook) for r in rows]
        self._subscriptions[kind] = (time.monotonic() + self.settings.subscription_cache_s, found)
        return found

    def cached_names(self, ids: list[uuid.UUID]) -> tuple[dict[uuid.UUID, str], list[uuid.UUID]]:
        """Organizations' names for alert titles, from a cache (a name seldom changes), and the ids it lacks."""
        now = time.monotonic()
        found = {i: self._names[i][1] for i in ids if i in self._names and self._names[i][0] > now}
        return found, [i for i in ids if i not in found]

    def remember_names(self, ids: list[uuid.UUID], found: dict[uuid.UUID, str]) -> None:
        """Cache names read for ``ids``; unknown ones too: a match names organizations we may never hear of."""
        if len(self._names) > 50_000:
            self._names.clear()
        until = time.monotonic() + 60.0
        for ident in ids:
            self._names[ident] = (until, found.get(ident, ""))

    def forget_name(self, organization_id: uuid.UUID) -> None:
        self._names.pop(organization_id, None)

    def forget_subscriptions(self) -> None:
        self._subscriptions.clear()

    def dedupe_key(self, user_id: object, event_id: str) -> str:
        return self.settings.subject(f"notifications:seen:{user_id}:{event_id}")

    async def already_seen(self, keys: list[str]) -> set[str]:
        """The fast path of the exactly-once guard; the unique constraint is the truth."""
        if not keys or self.redis is None:
            return set()
        try:
            values = await self.redis.mget(keys)
        except Exception:  # Redis away: the database constraint still holds
            return set()
        return {k for k, v in zip(keys, values, strict=True) if v is not None}

    def effects(self, session: AsyncSession) -> Effects:
        found = session.info.get(_KEY)
        if found is None:
            found = session.info[_KEY] = Effects()
        return found

    def _after_commit(self, sync_session) -> None:  # type: ignore[no-untyped-def]
        effects: Effects | None = sync_session.info.pop(_KEY, None)
        if effects is None:
            return
        if effects.wake_queue:
            self.wake_queue()
        if effects.forget_subscriptions:
            self.forget_subscriptions()
        if effects.pushes or effects.seen:
            task = asyncio.get_running_loop().create_task(self._flush(effects))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _flush(self, effects: Effects) -> None:
        nc = self.runtime.nc if self.runtime else None
        if nc is not None and nc.is_connected:
            try:
                for user_id, message in effects.pushes:
                    subject = user_notifications(self.settings, user_id)
                    await nc.publish(subject, orjson.dumps(message, default=str))
            except Exception:  # a missed push is fine: the inbox has it
                log.warning("live push failed", exc_info=True)
        if effects.seen and self.redis is not None:
            try:
                pipe = self.redis.pipeline(transaction=False)
                for key in effects.seen:
                    pipe.set(key, b"1", ex=self.settings.dedupe_ttl_s)
                await pipe.execute()
            except Exception:
                log.warning("dedupe marks not written", exc_info=True)

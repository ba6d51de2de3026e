"""What happens only after a transaction commits: live pushes, Redis dedupe marks, waking the queue.

Pushing before the commit could show a client a notification that a rollback then erases; marking
the dedupe key before it could make a redelivery skip an event whose first attempt rolled back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
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


class Hub:
    """The service's handle on the outside world, attached to the runtime at start-up."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings
        self.runtime: ServiceRuntime | None = None
        self.wake_queue = lambda: None
        self.worker: Any = None  # the DeliveryWorker, once the app has started
        self._tasks: set[asyncio.Task[None]] = set()

    async def attach(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    @property
    def redis(self):  # type: ignore[no-untyped-def]
        return self.runtime.redis if self.runtime else None

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
            event.listen(session.sync_session, "after_commit", self._after_commit)
            event.listen(session.sync_session, "after_rollback", lambda s: s.info.pop(_KEY, None))
        return found

    def _after_commit(self, sync_session) -> None:  # type: ignore[no-untyped-def]
        effects: Effects | None = sync_session.info.pop(_KEY, None)
        if effects is None:
            return
        if effects.wake_queue:
            self.wake_queue()
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
                    await nc.publish(subject, json.dumps(message, default=str).encode())
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

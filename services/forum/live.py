"""Live pushes of new posts to open GraphQL subscriptions (core NATS, shared.messaging.live).

Forum consumes its own PostCreated from JetStream and pushes {post_id, thread_id} on the thread's
live subject, so a push only ever follows a committed post. The push carries ids, not content: the
gateway reads the post with the subscriber's own token, so a private space stays private.
"""

from __future__ import annotations

import json
import logging

from shared.events.forum import PostCreated
from shared.messaging.consumer import HandlerRegistry
from shared.messaging.live import thread_posts
from shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)


class LivePusher:
    def __init__(self) -> None:
        self.runtime: ServiceRuntime | None = None

    async def attach(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    def registry(self, base: HandlerRegistry) -> HandlerRegistry:
        """The service's handlers plus the push; a fresh registry per app (tests build several apps)."""
        combined = HandlerRegistry()
        for event_type, handler in base._handlers.items():
            combined.add(base._events[event_type], handler)
        combined.add(PostCreated, self.on_post_created)
        return combined

    async def on_post_created(self, event: PostCreated, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
        runtime = self.runtime
        if runtime is None or runtime.nc is None:
            return
        payload = {"post_id": str(event.post_id), "thread_id": str(event.thread_id), "event_id": envelope.id}
        try:
            await runtime.nc.publish(
                thread_posts(runtime.settings, str(event.thread_id)), json.dumps(payload).encode()
            )
        except Exception:  # a push is best effort: subscribers can always read the thread
            log.warning("live push failed", exc_info=True)

"""Live feeds for subscriptions: one NATS connection per gateway process, one core subscription per feed.

A domain's subscription resolver is an async generator over `live(info, subject)`:

    @strawberry.subscription
    async def thread_posts(self, info: strawberry.Info, thread_id: strawberry.ID) -> AsyncGenerator[Post, None]:
        async for payload in live(info, subjects.thread_posts(settings, str(thread_id))):
            yield Post.from_row(payload)

Subjects come from shared/messaging/live.py (core NATS, no stream: a client that was away reads
its inbox instead). The connection is opened on first use, so the gateway starts without NATS.
Each feed buffers a bounded number of messages: a client too slow to read loses the oldest
pushes rather than the gateway's memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Any

import nats
import orjson
import strawberry
from nats.aio.client import Client as NATS

from shared.auth import Principal
from shared.errors import DomainError

log = logging.getLogger("gateway.live")


class LiveHub:
    def __init__(self, nats_url: str, *, buffer: int = 256) -> None:
        self.nats_url = nats_url
        self.buffer = buffer
        self._nc: NATS | None = None
        self._lock = asyncio.Lock()
        self.open_feeds = 0

    async def connection(self) -> NATS:
        async with self._lock:
            if self._nc is None or self._nc.is_closed:
                self._nc = await nats.connect(
                    self.nats_url, name="gateway-live", connect_timeout=2, max_reconnect_attempts=-1
                )
            return self._nc

    async def feed(self, subject: str) -> AsyncGenerator[dict[str, Any], None]:
        """Yield each JSON message published on `subject` from now on, until the consumer stops."""
        nc = await self.connection()
        queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=self.buffer)

        async def on_message(msg) -> None:  # type: ignore[no-untyped-def]
            if queue.full():
                queue.get_nowait()  # drop the oldest: a live view wants the newest
            queue.put_nowait(msg.data)

        subscription = await nc.subscribe(subject, cb=on_message)
        self.open_feeds += 1
        try:
            while True:
                data = await queue.get()
                try:
                    yield orjson.loads(data)
                except orjson.JSONDecodeError:
                    log.warning("dropped a live message that is not JSON", extra={"subject": subject})
        finally:
            self.open_feeds -= 1
            # The client went away or completed: release the NATS interest now, not at disconnect.
            try:
                await subscription.unsubscribe()
            except Exception as exc:  # noqa: BLE001 - closing a dead connection must not fail the close
                log.debug("unsubscribe failed", extra={"error": repr(exc)})

    async def aclose(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            await self._nc.drain()


def _hub(info: strawberry.Info) -> LiveHub:
    return info.context.request.app.state.live


def live(info: strawberry.Info, subject: str) -> AsyncGenerator[dict[str, Any], None]:
    """The live feed of `subject` on the gateway's shared NATS connection."""
    return _hub(info).feed(subject)


def principal_of(info: strawberry.Info) -> Principal | None:
    """Who opened this connection (verified at connection_init), or who sent this request."""
    identity = getattr(info.context, "identity", None)
    if identity is not None and identity.principal is not None:
        return identity.principal
    return getattr(info.context, "principal", None)


def require_principal(info: strawberry.Info) -> Principal:
    principal = principal_of(info)
    if principal is None:
        raise DomainError("unauthenticated", "sign in first: send your access token in connection_init")
    return principal

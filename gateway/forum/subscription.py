"""The live feed of new posts in a thread: NATS pushes ids, the gateway reads each post as the subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from gateway.clients import ServiceError
from gateway.config import get_settings
from gateway.forum.results import path_id
from gateway.forum.types import Post
from gateway.subscriptions import live
from shared.errors import DomainError
from shared.messaging.live import thread_posts


@strawberry.type
class ForumSubscription:
    @strawberry.subscription(
        description="New posts in a thread as they are written (readers of the thread only)."
    )
    async def thread_posts(
        self, info: strawberry.Info, thread_id: strawberry.ID
    ) -> AsyncGenerator[Post, None]:
        forum = info.context.clients.forum
        try:  # may the subscriber read this thread at all? (private spaces: members only)
            await forum.get(f"/threads/{path_id(thread_id, 'thread')}", params={"limit": 1})
        except ServiceError as exc:
            raise DomainError(exc.code if exc.status < 500 else "unavailable", exc.message) from None
        settings = getattr(info.context.request.app.state, "settings", None) or get_settings()
        async for push in live(info, thread_posts(settings, str(thread_id))):
            try:
                row = await forum.get(f"/posts/{path_id(push['post_id'], 'post')}")
            except ServiceError as exc:
                if exc.status in (401, 403):  # access was withdrawn (left the consortium): the feed ends
                    return
                continue
            yield Post.from_row(row)

"""Forum's queries (mutations in mutations.py, the live feed in subscription.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from gateway.clients import ServiceError
from gateway.forum.results import (
    AdvisorProfile,
    AdvisoryTopic,
    AgencyResponseTime,
    ForumSearchHit,
    ModerationItem,
    ThreadLookup,
    forum_error,
    path_id,
)
from gateway.forum.types import AdvisoryRequest, AdvisoryScope, AdvisoryStatus, Post, Space, SpaceKind, Thread
from gateway.pagination import Connection


def _params(**values: Any) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = str(value).lower() if isinstance(value, bool) else value
    return out


def profile_of(row: dict[str, Any]) -> AdvisorProfile:
    return AdvisorProfile(
        user_id=row["user_id"],
        kind=row["kind"],
        topics=row["topics"],
        countries=row["countries"],
        organization_id=row.get("organization_id"),
        bio=row["bio"],
        active=row["active"],
    )


@strawberry.type
class ForumQuery:
    @strawberry.field(
        description="Forum spaces the caller may read, with unread counts: categories first by "
        "position, then by name."
    )
    async def forum_spaces(
        self,
        info: strawberry.Info,
        kind: SpaceKind | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Space]:
        page = await info.context.clients.forum.get(
            "/spaces", params=_params(kind=kind.value if kind else None, limit=first, cursor=after)
        )
        for row in page["items"]:
            info.context.forum.spaces.prime(row["id"], row)
        return Connection.of([Space.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"])

    @strawberry.field(description="One forum space; null when unknown or not readable by the caller.")
    async def forum_space(self, info: strawberry.Info, id: strawberry.ID) -> Space | None:
        row = await info.context.forum.spaces.load(str(id))
        return Space.from_row(row) if row else None

    @strawberry.field(description="A thread, or why it cannot be read.")
    async def thread(self, info: strawberry.Info, id: strawberry.ID) -> ThreadLookup:
        try:
            page = await info.context.clients.forum.get(
                f"/threads/{path_id(id, 'thread')}", params={"limit": 50}
            )
        except ServiceError as exc:
            return forum_error(exc)
        for row in page["items"]:
            info.context.forum.posts.prime(row["id"], row)
        return Thread.from_row(page["thread"])

    @strawberry.field(description="One post; null when unknown or not readable by the caller.")
    async def post(self, info: strawberry.Info, id: strawberry.ID) -> Post | None:
        row = await info.context.forum.posts.load(str(id))
        return Post.from_row(row) if row else None

    @strawberry.field(
        description="Full-text search over threads and posts the caller may read: accent- and "
        "case-insensitive, Spanish and English, best matches first."
    )
    async def forum_search(
        self,
        info: strawberry.Info,
        query: str,
        space_id: strawberry.ID | None = None,
        space_kind: SpaceKind | None = None,
        author_id: strawberry.ID | None = None,
        advisory: bool | None = None,
        solved: bool | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ForumSearchHit]:
        params = _params(
            q=query,
            space_id=space_id,
            space_kind=space_kind.value if space_kind else None,
            author_id=author_id,
            advisory=advisory,
            solved=solved,
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            limit=first,
            cursor=after,
        )
        page = await info.context.clients.forum.get("/search", params=params)
        hits = [
            ForumSearchHit(
                post=Post.from_row(h["post"]),
                thread=Thread.from_row(h["thread"]),
                score=h["score"],
                excerpt=h["excerpt"],
            )
            for h in page["items"]
        ]
        return Connection.of(hits, page["cursors"], page["next_cursor"])

    @strawberry.field(description="Topics advisors answer on.")
    async def advisory_topics(self, info: strawberry.Info) -> list[AdvisoryTopic]:
        return [AdvisoryTopic(**r) for r in await info.context.clients.forum.get("/advisory/topics")]

    @strawberry.field(
        description="Advisory requests: routed to me, asked by me, or all (advisors, moderators)."
    )
    async def advisory_requests(
        self,
        info: strawberry.Info,
        scope: AdvisoryScope = AdvisoryScope.ASKED,
        status: AdvisoryStatus | None = None,
        topic: str | None = None,
        country: str | None = None,
        first: int = 30,
        after: str | None = None,
    ) -> Connection[AdvisoryRequest]:
        params = _params(
            scope=scope.value,
            status=status.value if status else None,
            topic=topic,
            country=country,
            limit=first,
            cursor=after,
        )
        page = await info.context.clients.forum.get("/advisory/requests", params=params)
        return Connection.of(
            [AdvisoryRequest.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @strawberry.field(description="The caller's advisor profile, if any.")
    async def my_advisor_profile(self, info: strawberry.Info) -> AdvisorProfile | None:
        try:
            return profile_of(await info.context.clients.forum.get("/advisors/me"))
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise

    @strawberry.field(description="First-response times of advisory answers per agency.")
    async def advisory_response_times(self, info: strawberry.Info) -> list[AgencyResponseTime]:
        rows = await info.context.clients.forum.get("/advisory/response-times")
        return [
            AgencyResponseTime(
                organization_id=r["organization_id"],
                organization_name=r["organization_name"],
                answered=r["answered"],
                solved=r["solved"],
                mean_response_seconds=r["mean_response_s"],
                median_response_seconds=r["median_response_s"],
                max_response_seconds=r["max_response_s"],
            )
            for r in rows
        ]

    @strawberry.field(description="Flagged posts waiting for review, oldest first (moderators).")
    async def moderation_queue(
        self, info: strawberry.Info, first: int = 30, after: str | None = None
    ) -> Connection[ModerationItem]:
        page = await info.context.clients.forum.get(
            "/moderation/queue", params=_params(limit=first, cursor=after)
        )
        items = [
            ModerationItem(
                post=Post.from_row(i["post"]),
                open_flags=i["open_flags"],
                reasons=i["reasons"],
                first_flagged_at=datetime.fromisoformat(i["first_flagged_at"]),
            )
            for i in page["items"]
        ]
        return Connection.of(items, page["cursors"], page["next_cursor"])

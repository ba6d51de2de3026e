"""GraphQL types for forum's data (rows are forum's REST answers)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from gateway.pagination import Connection


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.enum(description="What a space is for.")
class SpaceKind(Enum):
    CATEGORY = "category"
    CONSORTIUM = "consortium"
    INTRODUCTION = "introduction"


@strawberry.enum(description="How much a person hears of a thread or space.")
class WatchLevel(Enum):
    MUTED = "muted"
    NORMAL = "normal"
    WATCHING = "watching"


@strawberry.enum(description="Why a post was flagged.")
class FlagReason(Enum):
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    ABUSIVE = "abusive"


@strawberry.enum(description="Where an advisory request stands.")
class AdvisoryStatus(Enum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    SOLVED = "solved"


@strawberry.enum(description="Which advisory requests to list.")
class AdvisoryScope(Enum):
    ROUTED = "routed"
    ASKED = "asked"
    ALL = "all"


@strawberry.type(description="A person as the forum shows them.")
class ForumUser:
    id: strawberry.ID
    display_name: str
    handle: str = strawberry.field(description="What others type after @ to mention them.")


@strawberry.type(description="Reactions of one kind on a post.")
class Reaction:
    emoji: str
    count: int
    mine: bool = strawberry.field(description="Whether the caller reacted so.")


@strawberry.type(description="An earlier text of an edited post.")
class PostRevision:
    body_markdown: str
    editor_id: strawberry.ID | None
    replaced_at: datetime


@strawberry.type(description="A post: Markdown rendered to sanitized HTML.")
class Post:
    id: strawberry.ID
    thread_id: strawberry.ID
    number: int = strawberry.field(description="Position in its thread, from 1.")
    author: ForumUser | None = strawberry.field(
        description="Null for posts the seed attributes to the meeting."
    )
    attributed_to: str | None
    body_html: str = strawberry.field(description="Sanitized HTML; empty when deleted or hidden.")
    body_markdown: str | None
    reply_to_post_id: strawberry.ID | None
    quote_post_id: strawberry.ID | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool = strawberry.field(description="Hidden by flags pending review, or by a moderator.")
    reactions: list[Reaction]
    revision_count: int
    is_answer: bool = strawberry.field(description="An advisor's answer to the thread's advisory request.")
    is_accepted: bool = strawberry.field(description="The answer the asker accepted.")

    @strawberry.field(description="The post this one replies to.")
    async def reply_to(self, info: strawberry.Info) -> Post | None:
        if not self.reply_to_post_id:
            return None
        row = await info.context.forum.posts.load(str(self.reply_to_post_id))
        return Post.from_row(row) if row else None

    @strawberry.field(description="Earlier texts, oldest first.")
    async def revisions(self, info: strawberry.Info) -> list[PostRevision]:
        rows = await info.context.clients.forum.get(f"/posts/{self.id}/revisions")
        return [
            PostRevision(
                body_markdown=r["body_md"], editor_id=r["editor_id"], replaced_at=_dt(r["replaced_at"])
            )
            for r in rows
        ]

    @staticmethod
    def from_row(row: dict[str, Any]) -> Post:
        a = row.get("author")
        return Post(
            id=strawberry.ID(row["id"]),
            thread_id=strawberry.ID(row["thread_id"]),
            number=row["number"],
            author=ForumUser(id=strawberry.ID(a["id"]), display_name=a["display_name"], handle=a["handle"])
            if a
            else None,
            attributed_to=row.get("attributed_to"),
            body_html=row["body_html"],
            body_markdown=row.get("body_md"),
            reply_to_post_id=row.get("reply_to_post_id"),
            quote_post_id=row.get("quote_post_id"),
            created_at=_dt(row["created_at"]),
            edited_at=_dt(row.get("edited_at")),
            deleted=row["deleted"],
            hidden=row["hidden"],
            reactions=[Reaction(**r) for r in row.get("reactions", [])],
            revision_count=row.get("revision_count", 0),
            is_answer=row.get("is_answer", False),
            is_accepted=row.get("is_accepted", False),
        )


@strawberry.type(description="An advisory request: a question routed to advisors for a topic and country.")
class AdvisoryRequest:
    id: strawberry.ID
    thread_id: strawberry.ID
    asker_id: strawberry.ID
    topic: str
    country: str | None
    status: AdvisoryStatus
    claimed_by: strawberry.ID | None
    claimed_at: datetime | None
    answered_by: strawberry.ID | None
    answered_at: datetime | None
    answer_post_id: strawberry.ID | None
    accepted_post_id: strawberry.ID | None
    accepted_at: datetime | None
    escalated_at: datetime | None = strawberry.field(description="When it went unanswered past the deadline.")
    created_at: datetime
    advisor_count: int = strawberry.field(
        default=0,
        description="Advisors it was routed to when asked; 0: none covers this topic and country yet, "
        "so it waits for its escalation.",
    )

    @strawberry.field(description="The question's thread.")
    async def thread(self, info: strawberry.Info) -> Thread | None:
        row = await info.context.forum.threads.load(str(self.thread_id))
        return Thread.from_row(row) if row else None

    @staticmethod
    def from_row(row: dict[str, Any]) -> AdvisoryRequest:
        times = ("claimed_at", "answered_at", "accepted_at", "escalated_at", "created_at")
        ids = ("claimed_by", "answered_by", "answer_post_id", "accepted_post_id")
        return AdvisoryRequest(
            id=strawberry.ID(row["id"]),
            thread_id=strawberry.ID(row["thread_id"]),
            asker_id=strawberry.ID(row["asker_id"]),
            topic=row["topic"],
            country=row.get("country"),
            status=AdvisoryStatus(row["status"]),
            advisor_count=row.get("advisor_count", 0),
            **{k: _dt(row.get(k)) for k in times},
            **{k: row.get(k) for k in ids},
        )


@strawberry.type(description="A conversation in a space.")
class Thread:
    id: strawberry.ID
    space_id: strawberry.ID
    author_id: strawberry.ID | None
    title: str
    title_en: str | None
    attributed_to: str | None = strawberry.field(
        description="Who spoke when the seed opened it: the 2015 meeting."
    )
    pinned: bool
    locked: bool
    is_advisory: bool
    solved: bool
    post_count: int
    last_post_number: int
    created_at: datetime
    last_post_at: datetime
    unread_count: int | None = strawberry.field(
        description="Posts after the caller's read mark; null if anonymous."
    )
    watch_level: WatchLevel | None
    advisory: AdvisoryRequest | None

    @strawberry.field(description="Posts in order, 50 to a page.")
    async def posts(
        self, info: strawberry.Info, first: int = 50, after: str | None = None
    ) -> Connection[Post]:
        params = {"limit": first} | ({"cursor": after} if after else {})
        page = await info.context.clients.forum.get(f"/threads/{self.id}", params=params)
        for row in page["items"]:
            info.context.forum.posts.prime(row["id"], row)
        return Connection.of([Post.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"])

    @strawberry.field(description="Its space.")
    async def space(self, info: strawberry.Info) -> Space | None:
        row = await info.context.forum.spaces.load(str(self.space_id))
        return Space.from_row(row) if row else None

    @staticmethod
    def from_row(row: dict[str, Any]) -> Thread:
        plain = (
            "title",
            "title_en",
            "attributed_to",
            "pinned",
            "locked",
            "is_advisory",
            "solved",
            "post_count",
            "last_post_number",
            "unread_count",
        )
        return Thread(
            id=strawberry.ID(row["id"]),
            space_id=strawberry.ID(row["space_id"]),
            author_id=row.get("author_id"),
            created_at=_dt(row["created_at"]),
            last_post_at=_dt(row["last_post_at"]),
            watch_level=WatchLevel(row["watch_level"]) if row.get("watch_level") else None,
            advisory=AdvisoryRequest.from_row(row["advisory"]) if row.get("advisory") else None,
            **{k: row.get(k) for k in plain},
        )


@strawberry.type(
    description="A public category, or a private space of a consortium or an accepted introduction."
)
class Space:
    id: strawberry.ID
    kind: SpaceKind
    slug: str | None
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    is_private: bool
    consortium_id: strawberry.ID | None
    introduction_id: strawberry.ID | None
    thread_count: int
    unread_thread_count: int = strawberry.field(description="Threads with posts the caller has not read.")

    @strawberry.field(description="Threads, pinned first, then by latest activity.")
    async def threads(
        self,
        info: strawberry.Info,
        first: int = 30,
        after: str | None = None,
        advisory_only: bool = False,
        solved: bool | None = None,
    ) -> Connection[Thread]:
        params: dict[str, Any] = {"limit": first, "advisory": str(advisory_only).lower()}
        params |= {"cursor": after} if after else {}
        params |= {"solved": str(solved).lower()} if solved is not None else {}
        page = await info.context.clients.forum.get(f"/spaces/{self.id}/threads", params=params)
        return Connection.of(
            [Thread.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @staticmethod
    def from_row(row: dict[str, Any]) -> Space:
        plain = (
            "slug",
            "name_es",
            "name_en",
            "description_es",
            "description_en",
            "is_private",
            "consortium_id",
            "introduction_id",
            "thread_count",
            "unread_thread_count",
        )
        return Space(
            id=strawberry.ID(row["id"]), kind=SpaceKind(row["kind"]), **{k: row.get(k) for k in plain}
        )

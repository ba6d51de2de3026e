"""Forum's mutations: each answers with a success type or a typed error (stable codes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from gateway.clients import ServiceError
from gateway.forum.results import (
    AdvisorProfileInput,
    AdvisorProfileResult,
    AdvisorProfileSuccess,
    AdvisoryResult,
    AdvisorySuccess,
    AnswerAdvisoryResult,
    AnswerAdvisorySuccess,
    CreatePostInput,
    CreateThreadInput,
    CreateThreadResult,
    CreateThreadSuccess,
    MarkThreadReadResult,
    PostResult,
    PostSuccess,
    ThreadReadSuccess,
    ThreadResult,
    ThreadSuccess,
    WatchResult,
    WatchSuccess,
    forum_error,
    path_id,
)
from gateway.forum.schema import profile_of
from gateway.forum.types import AdvisoryRequest, FlagReason, Post, Thread, WatchLevel


async def _call(make: Callable[[], Awaitable[Any]], shape: Callable[[Any], Any]):  # type: ignore[no-untyped-def]
    try:
        return shape(await make())
    except ServiceError as exc:
        return forum_error(exc)


def _post(info: strawberry.Info):  # type: ignore[no-untyped-def]
    def shape(row: dict[str, Any]) -> PostSuccess:
        info.context.forum.posts.prime(row["id"], row)
        return PostSuccess(post=Post.from_row(row))

    return shape


@strawberry.type
class ForumMutation:
    @strawberry.mutation(description="Open a thread (optionally as an advisory request) with its first post.")
    async def create_thread(self, info: strawberry.Info, input: CreateThreadInput) -> CreateThreadResult:
        body: dict[str, Any] = {"title": input.title, "body": input.body}
        if input.advisory is not None:
            body["advisory"] = {"topic": input.advisory.topic, "country": input.advisory.country}
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(f"/spaces/{path_id(input.space_id, 'space')}/threads", json=body),
            lambda r: CreateThreadSuccess(thread=Thread.from_row(r["thread"]), post=Post.from_row(r["post"])),
        )

    @strawberry.mutation(description="Post in a thread, optionally replying to or quoting a post.")
    async def create_post(self, info: strawberry.Info, input: CreatePostInput) -> PostResult:
        body = {
            "body": input.body,
            "reply_to_post_id": input.reply_to_post_id,
            "quote_post_id": input.quote_post_id,
        }
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(f"/threads/{path_id(input.thread_id, 'thread')}/posts", json=body), _post(info)
        )

    @strawberry.mutation(description="Edit a post; the old text goes to its history.")
    async def edit_post(self, info: strawberry.Info, post_id: strawberry.ID, body: str) -> PostResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.request("PATCH", f"/posts/{path_id(post_id, 'post')}", json={"body": body}),
            _post(info),
        )

    @strawberry.mutation(description="Delete a post (soft: it stays as a deleted placeholder).")
    async def delete_post(self, info: strawberry.Info, post_id: strawberry.ID) -> PostResult:
        forum = info.context.clients.forum
        return await _call(lambda: forum.request("DELETE", f"/posts/{path_id(post_id, 'post')}"), _post(info))

    @strawberry.mutation(description="Add (or take back, add: false) a reaction: 👍 ❤️ 🎉 💡 🙏 👀.")
    async def react_to_post(
        self, info: strawberry.Info, post_id: strawberry.ID, emoji: str, add: bool = True
    ) -> PostResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(
                f"/posts/{path_id(post_id, 'post')}/reactions", json={"emoji": emoji, "add": add}
            ),
            _post(info),
        )

    @strawberry.mutation(description="Flag a post for moderators; enough flags hide it pending review.")
    async def flag_post(
        self, info: strawberry.Info, post_id: strawberry.ID, reason: FlagReason, note: str = ""
    ) -> PostResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(
                f"/posts/{path_id(post_id, 'post')}/flags", json={"reason": reason.value, "note": note}
            ),
            _post(info),
        )

    @strawberry.mutation(description="Hide a post (moderators).")
    async def hide_post(self, info: strawberry.Info, post_id: strawberry.ID) -> PostResult:
        forum = info.context.clients.forum
        return await _call(lambda: forum.post(f"/posts/{path_id(post_id, 'post')}/hide"), _post(info))

    @strawberry.mutation(description="Show a hidden post again and dismiss its flags (moderators).")
    async def restore_post(self, info: strawberry.Info, post_id: strawberry.ID) -> PostResult:
        forum = info.context.clients.forum
        return await _call(lambda: forum.post(f"/posts/{path_id(post_id, 'post')}/restore"), _post(info))

    @strawberry.mutation(description="Pin or lock a thread (moderators).")
    async def set_thread_state(
        self,
        info: strawberry.Info,
        thread_id: strawberry.ID,
        pinned: bool | None = None,
        locked: bool | None = None,
    ) -> ThreadResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.request(
                "PATCH", f"/threads/{path_id(thread_id, 'thread')}", json={"pinned": pinned, "locked": locked}
            ),
            lambda r: ThreadSuccess(thread=Thread.from_row(r)),
        )

    @strawberry.mutation(description="How much to hear of a thread: muted, normal or watching.")
    async def watch_thread(
        self, info: strawberry.Info, thread_id: strawberry.ID, level: WatchLevel
    ) -> WatchResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.request(
                "PUT", f"/threads/{path_id(thread_id, 'thread')}/watch", json={"level": level.value}
            ),
            lambda r: WatchSuccess(target_id=r["target_id"], level=WatchLevel(r["level"])),
        )

    @strawberry.mutation(description="How much to hear of a space's threads: muted, normal or watching.")
    async def watch_space(
        self, info: strawberry.Info, space_id: strawberry.ID, level: WatchLevel
    ) -> WatchResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.request(
                "PUT", f"/spaces/{path_id(space_id, 'space')}/watch", json={"level": level.value}
            ),
            lambda r: WatchSuccess(target_id=r["target_id"], level=WatchLevel(r["level"])),
        )

    @strawberry.mutation(description="Mark a thread read up to a post number (default: all of it).")
    async def mark_thread_read(
        self, info: strawberry.Info, thread_id: strawberry.ID, up_to: int | None = None
    ) -> MarkThreadReadResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(f"/threads/{path_id(thread_id, 'thread')}/read", json={"up_to": up_to}),
            lambda r: ThreadReadSuccess(
                thread_id=r["thread_id"],
                last_read_number=r["last_read_number"],
                unread_count=r["unread_count"],
            ),
        )

    @strawberry.mutation(
        description="Register or update the caller's advisor profile (agency officers, experts)."
    )
    async def save_advisor_profile(
        self, info: strawberry.Info, input: AdvisorProfileInput
    ) -> AdvisorProfileResult:
        body = {
            "topics": input.topics,
            "countries": input.countries,
            "organization_id": input.organization_id,
            "bio": input.bio,
            "active": input.active,
        }
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.request("PUT", "/advisors/me", json=body),
            lambda r: AdvisorProfileSuccess(profile=profile_of(r)),
        )

    @strawberry.mutation(description="Take an advisory request (advisors).")
    async def claim_advisory_request(
        self, info: strawberry.Info, request_id: strawberry.ID
    ) -> AdvisoryResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(f"/advisory/requests/{path_id(request_id, 'advisory')}/claim"),
            lambda r: AdvisorySuccess(advisory=AdvisoryRequest.from_row(r)),
        )

    @strawberry.mutation(description="Answer an advisory request (takes it if nobody has).")
    async def answer_advisory_request(
        self, info: strawberry.Info, request_id: strawberry.ID, body: str
    ) -> AnswerAdvisoryResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(
                f"/advisory/requests/{path_id(request_id, 'advisory')}/answers", json={"body": body}
            ),
            lambda r: AnswerAdvisorySuccess(
                advisory=AdvisoryRequest.from_row(r["advisory"]), post=Post.from_row(r["post"])
            ),
        )

    @strawberry.mutation(description="Accept an answer (the asker): the thread shows as solved.")
    async def accept_advisory_answer(
        self, info: strawberry.Info, request_id: strawberry.ID, post_id: strawberry.ID
    ) -> AdvisoryResult:
        forum = info.context.clients.forum
        return await _call(
            lambda: forum.post(
                f"/advisory/requests/{path_id(request_id, 'advisory')}/accept", json={"post_id": post_id}
            ),
            lambda r: AdvisorySuccess(advisory=AdvisoryRequest.from_row(r)),
        )

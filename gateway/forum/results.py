"""Forum's other types, inputs and mutation results (success | typed errors)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from gateway.clients import ServiceError
from gateway.errors import (
    ConflictError,
    Error,
    NotFoundError,
    PermissionError,
    ValidationError,
    from_service_error,
)
from gateway.forum.types import AdvisoryRequest, Post, Thread, WatchLevel


@strawberry.type(description="Too many posts too soon: new accounts have an hourly quota.")
class PostingLimitError(Error):
    pass


def path_id(value: object, what: str) -> str:
    """An id as it may appear in a forum URL: a UUID, or the thing is unknown (never a path of its own)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ServiceError(
            404, f"{what}_not_found", f"{what} {value} does not exist", {"id": str(value)}
        ) from None


def forum_error(exc: ServiceError):  # type: ignore[no-untyped-def]
    if exc.status == 429:
        return PostingLimitError(code=exc.code, message=exc.message)
    return from_service_error(exc)


@strawberry.type(description="A topic advisors answer on.")
class AdvisoryTopic:
    slug: str
    name_es: str
    name_en: str


@strawberry.type(description="An advisor's profile: what they answer on and for which countries.")
class AdvisorProfile:
    user_id: strawberry.ID
    kind: str = strawberry.field(description="agency_officer or expert.")
    topics: list[str]
    countries: list[str] = strawberry.field(description="Empty: every country.")
    organization_id: strawberry.ID | None = strawberry.field(description="The agency they answer for.")
    bio: str
    active: bool


@strawberry.type(
    description="First-response times of one agency's advisors (null agency: independent experts)."
)
class AgencyResponseTime:
    organization_id: strawberry.ID | None
    organization_name: str | None
    answered: int
    solved: int
    mean_response_seconds: float
    median_response_seconds: float
    max_response_seconds: float


@strawberry.type(description="A post that matched a search, with its thread.")
class ForumSearchHit:
    post: Post
    thread: Thread
    score: float
    excerpt: str


@strawberry.type(description="A flagged post waiting for a moderator.")
class ModerationItem:
    post: Post
    open_flags: int
    reasons: list[str]
    first_flagged_at: datetime


@strawberry.input(description="Mark the new thread as an advisory request.")
class AdvisoryAskInput:
    topic: str = strawberry.field(description="A slug from `advisoryTopics`.")
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 code.")


@strawberry.input(description="A new thread with its first post.")
class CreateThreadInput:
    space_id: strawberry.ID
    title: str
    body: str = strawberry.field(description="Markdown.")
    advisory: AdvisoryAskInput | None = None


@strawberry.input(description="A new post in a thread.")
class CreatePostInput:
    thread_id: strawberry.ID
    body: str = strawberry.field(description="Markdown; @handle mentions a person.")
    reply_to_post_id: strawberry.ID | None = None
    quote_post_id: strawberry.ID | None = None


@strawberry.input(description="An advisor's profile.")
class AdvisorProfileInput:
    topics: list[str]
    countries: list[str] = strawberry.field(default_factory=list)
    organization_id: strawberry.ID | None = None
    bio: str = ""
    active: bool = True


@strawberry.type(description="The thread was opened.")
class CreateThreadSuccess:
    thread: Thread
    post: Post


@strawberry.type(description="The post as it now is.")
class PostSuccess:
    post: Post


@strawberry.type(description="The thread as it now is.")
class ThreadSuccess:
    thread: Thread


@strawberry.type(description="The caller's watch level.")
class WatchSuccess:
    target_id: strawberry.ID
    level: WatchLevel


@strawberry.type(description="The caller's read mark.")
class ThreadReadSuccess:
    thread_id: strawberry.ID
    last_read_number: int
    unread_count: int


@strawberry.type(description="The advisory request as it now is.")
class AdvisorySuccess:
    advisory: AdvisoryRequest


@strawberry.type(description="The answer was posted.")
class AnswerAdvisorySuccess:
    advisory: AdvisoryRequest
    post: Post


@strawberry.type(description="The saved profile.")
class AdvisorProfileSuccess:
    profile: AdvisorProfile


_Errors = ValidationError | NotFoundError | PermissionError | ConflictError | PostingLimitError


def _result(name: str, success: type) -> object:
    return Annotated[success | _Errors, strawberry.union(name, description=f"{success.__name__} or why not.")]


CreateThreadResult = _result("CreateThreadResult", CreateThreadSuccess)
PostResult = _result("PostResult", PostSuccess)
ThreadResult = _result("ThreadResult", ThreadSuccess)
WatchResult = _result("WatchResult", WatchSuccess)
MarkThreadReadResult = _result("MarkThreadReadResult", ThreadReadSuccess)
AdvisoryResult = _result("AdvisoryResult", AdvisorySuccess)
AnswerAdvisoryResult = _result("AnswerAdvisoryResult", AnswerAdvisorySuccess)
AdvisorProfileResult = _result("AdvisorProfileResult", AdvisorProfileSuccess)
ThreadLookup = Annotated[
    Thread | NotFoundError | PermissionError,
    strawberry.union(
        "ThreadLookup", description="The thread, or why it cannot be read (thread_not_found, forbidden)."
    ),
]

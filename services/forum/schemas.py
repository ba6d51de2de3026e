"""What forum's REST API accepts and returns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.forum.models import AdvisoryRequest, Space, Thread, User
from services.forum.models.base import aware
from services.forum.service.moderation import FlagReason
from services.forum.service.reading import PostView
from services.forum.service.watching import WatchLevel

# SQLite hands datetimes back without their (UTC) zone; the API always says it.
Utc = Annotated[datetime, AfterValidator(aware)]

# Bodies are checked for length by the use cases (text_too_long); this cap only stops absurd payloads.
_HUGE = 1_000_000


class UserRef(BaseModel):
    id: uuid.UUID
    display_name: str
    handle: str

    @staticmethod
    def of(user: User | None) -> UserRef | None:
        return UserRef(id=user.id, display_name=user.display_name, handle=user.handle) if user else None


class SpaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    slug: str | None
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    is_private: bool
    consortium_id: uuid.UUID | None
    introduction_id: uuid.UUID | None
    thread_count: int = 0
    unread_thread_count: int = 0

    @staticmethod
    def of(space: Space, threads: int = 0, unread: int = 0) -> SpaceOut:
        out = SpaceOut.model_validate(space)
        out.thread_count, out.unread_thread_count = threads, unread
        return out


class AdvisoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    thread_id: uuid.UUID
    asker_id: uuid.UUID
    topic: str
    country: str | None
    status: str
    claimed_by: uuid.UUID | None
    claimed_at: Utc | None
    answered_by: uuid.UUID | None
    answered_at: Utc | None
    answer_post_id: uuid.UUID | None
    accepted_post_id: uuid.UUID | None
    accepted_at: Utc | None
    escalated_at: Utc | None
    created_at: Utc
    advisor_count: int = 0


class ThreadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    space_id: uuid.UUID
    author_id: uuid.UUID | None
    title: str
    title_en: str | None
    attributed_to: str | None
    pinned: bool
    locked: bool
    is_advisory: bool
    solved: bool
    post_count: int
    last_post_number: int
    created_at: Utc
    last_post_at: Utc
    unread_count: int | None = None
    watch_level: str | None = None
    advisory: AdvisoryOut | None = None

    @staticmethod
    def of(
        thread: Thread,
        *,
        read: int | None = None,
        watch: str | None = None,
        request: AdvisoryRequest | None = None,
    ) -> ThreadOut:
        out = ThreadOut.model_validate(thread)
        if read is not None:
            out.unread_count = max(0, thread.last_post_number - read)
        out.watch_level = watch
        out.advisory = AdvisoryOut.model_validate(request) if request else None
        return out


class ReactionOut(BaseModel):
    emoji: str
    count: int
    mine: bool


class PostOut(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    number: int
    author: UserRef | None
    attributed_to: str | None
    body_html: str
    body_md: str | None
    reply_to_post_id: uuid.UUID | None
    quote_post_id: uuid.UUID | None
    created_at: Utc
    edited_at: Utc | None
    deleted: bool
    hidden: bool
    reactions: list[ReactionOut]
    revision_count: int
    is_answer: bool
    is_accepted: bool

    @staticmethod
    def of(view: PostView) -> PostOut:
        p = view.post
        return PostOut(
            id=p.id,
            thread_id=p.thread_id,
            number=p.number,
            author=UserRef.of(view.author),
            attributed_to=view.attributed_to,
            body_html=p.body_html if view.show_body else "",
            body_md=p.body_md if view.show_body else None,
            reply_to_post_id=p.reply_to_post_id,
            quote_post_id=p.quote_post_id,
            created_at=p.created_at,
            edited_at=p.edited_at,
            deleted=p.deleted_at is not None,
            hidden=p.hidden,
            reactions=[ReactionOut(emoji=e, count=c, mine=m) for e, c, m in view.reactions],
            revision_count=view.revision_count,
            is_answer=view.is_answer,
            is_accepted=view.is_accepted,
        )


class ThreadPage(BaseModel):
    thread: ThreadOut
    space: SpaceOut
    items: list[PostOut]
    cursors: list[str] = []
    next_cursor: str | None = None


class AdvisoryAskIn(BaseModel):
    topic: str = Field(max_length=80)
    country: str | None = Field(default=None, min_length=2, max_length=2)


class ThreadIn(BaseModel):
    title: str = Field(max_length=_HUGE)
    body: str = Field(max_length=_HUGE)
    advisory: AdvisoryAskIn | None = None


class PostIn(BaseModel):
    body: str = Field(max_length=_HUGE)
    reply_to_post_id: uuid.UUID | None = None
    quote_post_id: uuid.UUID | None = None


class PostEditIn(BaseModel):
    body: str = Field(max_length=_HUGE)


class ThreadCreated(BaseModel):
    thread: ThreadOut
    post: PostOut


class ThreadFlagsIn(BaseModel):
    pinned: bool | None = None
    locked: bool | None = None


class WatchIn(BaseModel):
    level: WatchLevel


class WatchOut(BaseModel):
    target_kind: str
    target_id: uuid.UUID
    level: WatchLevel


class ReadIn(BaseModel):
    up_to: int | None = Field(default=None, ge=0)


class ReadOut(BaseModel):
    thread_id: uuid.UUID
    last_read_number: int
    unread_count: int


class ReactionIn(BaseModel):
    emoji: str = Field(max_length=20)
    add: bool = True


class FlagIn(BaseModel):
    reason: FlagReason
    note: str = Field(default="", max_length=500)


class RevisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    body_md: str
    editor_id: uuid.UUID | None
    replaced_at: Utc


class QueueItem(BaseModel):
    post: PostOut
    open_flags: int
    reasons: list[str]
    first_flagged_at: Utc


class SearchHit(BaseModel):
    post: PostOut
    thread: ThreadOut
    score: float
    excerpt: str


class AdvisorIn(BaseModel):
    topics: list[str] = Field(max_length=30)
    countries: list[str] = Field(default_factory=list, max_length=60)
    organization_id: uuid.UUID | None = None
    bio: str = Field(default="", max_length=2000)
    active: bool = True


class AdvisorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    kind: str
    topics: list[str]
    countries: list[str]
    organization_id: uuid.UUID | None
    bio: str
    active: bool


class AnswerIn(BaseModel):
    body: str = Field(max_length=_HUGE)


class AcceptIn(BaseModel):
    post_id: uuid.UUID


class AnswerOut(BaseModel):
    advisory: AdvisoryOut
    post: PostOut


class TopicOut(BaseModel):
    slug: str
    name_es: str
    name_en: str


class ResponseTimeOut(BaseModel):
    organization_id: uuid.UUID | None
    organization_name: str | None
    answered: int
    solved: int
    mean_response_s: float
    median_response_s: float
    max_response_s: float


class IdsIn(BaseModel):
    ids: list[uuid.UUID] = Field(max_length=500)

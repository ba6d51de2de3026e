"""Events owned by forum: conversation, advisory and moderation."""

from __future__ import annotations

from uuid import UUID

from shared.events.catalog import DomainEvent, event


@event("forum", "thread", "created")
class ThreadCreated(DomainEvent):
    """A thread was opened in a category or private space."""

    thread_id: UUID
    space_id: UUID
    author_id: UUID | None = None
    title: str
    is_private: bool = False


@event("forum", "post", "created")
class PostCreated(DomainEvent):
    """A post (or reply) was added to a thread."""

    post_id: UUID
    thread_id: UUID
    space_id: UUID
    author_id: UUID | None = None
    reply_to_post_id: UUID | None = None
    reply_to_author_id: UUID | None = None
    is_private: bool = False
    excerpt: str = ""
    # Who watches the thread or its space (minus the author and anyone who muted it), for notifications.
    watcher_ids: list[UUID] = []


@event("forum", "user", "mentioned")
class UserMentioned(DomainEvent):
    """Someone was @mentioned in a post."""

    post_id: UUID
    thread_id: UUID
    mentioned_user_id: UUID
    author_id: UUID | None = None


@event("forum", "advisory", "requested")
class AdvisoryRequested(DomainEvent):
    """A question was marked as an advisory request for a topic and country."""

    request_id: UUID
    thread_id: UUID
    asker_id: UUID
    topic: str
    country: str | None = None
    advisor_ids: list[UUID] = []
    title: str = ""


@event("forum", "advisory", "claimed")
class AdvisoryClaimed(DomainEvent):
    """An advisor took an advisory request."""

    request_id: UUID
    thread_id: UUID
    advisor_id: UUID
    asker_id: UUID


@event("forum", "advisory", "answered")
class AdvisoryAnswered(DomainEvent):
    """An advisor answered an advisory request."""

    request_id: UUID
    thread_id: UUID
    post_id: UUID
    advisor_id: UUID
    asker_id: UUID


@event("forum", "advisory", "accepted")
class AdvisoryAccepted(DomainEvent):
    """The asker accepted an answer; the thread shows as solved."""

    request_id: UUID
    thread_id: UUID
    post_id: UUID
    advisor_id: UUID
    asker_id: UUID


@event("forum", "advisory", "escalated")
class AdvisoryEscalated(DomainEvent):
    """An advisory request stayed unanswered past its deadline."""

    request_id: UUID
    thread_id: UUID
    topic: str
    country: str | None = None
    waited_s: float


@event("forum", "post", "flagged")
class PostFlagged(DomainEvent):
    """A post was flagged for moderation."""

    post_id: UUID
    thread_id: UUID
    reason: str
    flag_count: int


@event("forum", "post", "hidden")
class PostHidden(DomainEvent):
    """A post was hidden, by flags pending review or by a moderator."""

    post_id: UUID
    thread_id: UUID
    by: str  # flags | moderator

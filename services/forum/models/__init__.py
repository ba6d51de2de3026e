"""Forum's tables. Only forum reads or writes them; what it knows of people and organizations
comes from directory's and matching's events (projections in people.py)."""

from services.forum.models.advisory import Advisor, AdvisoryRequest, AdvisoryRoute
from services.forum.models.base import Base, now, outbox, processed_events
from services.forum.models.conversation import Post, PostRevision, Reaction, ReadMark, Thread, Watch
from services.forum.models.moderation import Flag
from services.forum.models.people import Organization, OrganizationUser, User
from services.forum.models.spaces import Space, SpaceMember, SpaceOrganization

__all__ = [
    "Advisor",
    "AdvisoryRequest",
    "AdvisoryRoute",
    "Base",
    "Flag",
    "Organization",
    "OrganizationUser",
    "Post",
    "PostRevision",
    "Reaction",
    "ReadMark",
    "Space",
    "SpaceMember",
    "SpaceOrganization",
    "Thread",
    "User",
    "Watch",
    "now",
    "outbox",
    "processed_events",
]

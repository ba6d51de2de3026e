"""Events owned by directory: who is in the network.

Organization events carry the whole public profile (event-carried state transfer), so matching and
notifications keep their read models without calling directory.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from shared.events.catalog import DomainEvent, event


class ProductRef(BaseModel):
    hs_code: str | None = None
    description: str = ""
    description_es: str = ""
    description_en: str = ""


class OrganizationProfile(DomainEvent):
    """Fields shared by registration and update."""

    organization_id: UUID
    name: str
    kind: str
    country: str
    region: str | None = None
    sectors: list[str] = []
    products: list[ProductRef] = []
    value_chain_role: str | None = None
    size_class: str | None = None
    employees: int | None = None
    export_status: str | None = None
    export_checkup_score: int | None = None
    target_markets: list[str] = []
    certifications: list[str] = []
    languages: list[str] = []
    offers: str = ""
    seeks: str = ""
    verification: str = "pending"
    acronym: str | None = None
    province: str | None = None
    description: str = ""
    description_en: str = ""
    website: str | None = None
    member_count: int | None = None
    completeness: int | None = None
    updated_at: str | None = None


@event("directory", "organization", "registered")
class OrganizationRegistered(OrganizationProfile):
    """An organization (SME, consortium, agency, association or regional body) joined the network."""


@event("directory", "organization", "updated")
class OrganizationUpdated(OrganizationProfile):
    """An organization's public profile changed; carries the whole new profile."""


@event("directory", "organization", "verified")
class OrganizationVerified(DomainEvent):
    """An agency officer verified or rejected an organization."""

    organization_id: UUID
    status: str  # verified | rejected
    verified_by: UUID | None = None
    reason: str | None = None


@event("directory", "organization", "deleted")
class OrganizationDeleted(DomainEvent):
    """An organization left the network; read models drop it."""

    organization_id: UUID


@event("directory", "user", "registered")
class UserRegistered(DomainEvent):
    """A person signed up. No e-mail here: events are readable by every service."""

    user_id: UUID
    display_name: str
    language: str = "es"
    roles: list[str] = []


@event("directory", "user", "password_reset_requested")
class PasswordResetRequested(DomainEvent):
    """A person asked to reset their password; notifications e-mails them the link.

    The link holds a single-use token (directory keeps only its hash) that expires at ``expires_at``.
    No e-mail address here: notifications knows it from UserContactChanged.
    """

    user_id: UUID
    language: str = "es"
    reset_url: str
    expires_at: str


@event("directory", "consortium", "created")
class ConsortiumCreated(DomainEvent):
    """A consortium was formed; its organization profile follows as OrganizationRegistered."""

    consortium_id: UUID
    name: str
    country: str
    manager_user_id: UUID | None = None


@event("directory", "membership", "invited")
class MemberInvited(DomainEvent):
    """An organization was invited into a consortium."""

    consortium_id: UUID
    organization_id: UUID
    invited_by: UUID | None = None


@event("directory", "membership", "joined")
class MemberJoined(DomainEvent):
    """An organization became an active member of a consortium."""

    consortium_id: UUID
    organization_id: UUID
    role: str = "member"


@event("directory", "membership", "left")
class MemberLeft(DomainEvent):
    """An organization left a consortium."""

    consortium_id: UUID
    organization_id: UUID


@event("directory", "organization", "stale")
class ProfileStale(DomainEvent):
    """A profile untouched for twelve months; its owners are reminded."""

    organization_id: UUID
    last_updated: str


@event("directory", "user", "contact_changed")
class UserContactChanged(DomainEvent):
    """A person's contact details changed (or were first set): only notifications reads the e-mail.

    Notifications keeps its own recipients table from this event; ``organization_ids`` (the
    organizations the person acts for) lets it tell an SME's people about that SME's matches.
    """

    user_id: UUID
    email: str | None = None
    language: str = "es"
    organization_ids: list[UUID] = []


@event("directory", "organization_member", "added")
class OrganizationManagerAdded(DomainEvent):
    """A person took a place in an organization (owner, manager or staff); a new role re-emits it.

    Services that grant access by organization (forum's private consortium spaces) keep who belongs where.
    """

    organization_id: UUID
    user_id: UUID
    role: str = "manager"  # owner | manager | staff


@event("directory", "organization_member", "removed")
class OrganizationManagerRemoved(DomainEvent):
    """A person no longer belongs to an organization."""

    organization_id: UUID
    user_id: UUID

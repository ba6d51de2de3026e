"""Who an event reaches, and on which channels: subscribers whose filters match, the people an event
concerns (with their preferences, or the kind's defaults), and the people of the organizations it names.

Each lookup is one query for a whole batch of events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.effects import Hub
from services.notifications.kinds import TRANSACTIONAL, Kind
from services.notifications.models import (
    NotificationItem,
    OrganizationView,
    Preference,
    Recipient,
    RecipientOrganization,
)

_EMAIL_RANK = {"off": 0, "weekly": 1, "daily": 2, "immediate": 3}


@dataclass
class Signal:
    """An event, as notifications sees it."""

    kind: str
    event_id: str
    params: dict[str, Any]  # template parameters and the webhook's data
    concerned: set[uuid.UUID] = field(default_factory=set)
    attributes: dict[str, Any] = field(default_factory=dict)  # what subscription filters look at
    exclude: set[uuid.UUID] = field(default_factory=set)  # e.g. the author of the post
    organizations: list[uuid.UUID] = field(default_factory=list)  # their people are concerned too
    names: dict[str, uuid.UUID] = field(default_factory=dict)  # param -> organization whose name it is


@dataclass
class Channels:
    in_app: bool = False
    email: str = "off"
    webhook: bool = False

    def merge(self, in_app: bool, email: str, webhook: bool) -> None:
        self.in_app = self.in_app or in_app
        if _EMAIL_RANK.get(email, 0) > _EMAIL_RANK[self.email]:
            self.email = email
        self.webhook = self.webhook or webhook


async def resolve(signals: list[Signal], *, session: AsyncSession, hub: Hub) -> None:
    """The people of the organizations signals name, and the names not cached: one query for both."""
    organizations = {o for s in signals for o in s.organizations}
    names, missing = hub.cached_names(list({o for s in signals for o in s.names.values()}))
    if not organizations and not missing:
        return
    parts = []
    if organizations:
        ro = RecipientOrganization
        parts.append(
            select(ro.organization_id, ro.user_id, null()).where(ro.organization_id.in_(organizations))
        )
    if missing:
        parts.append(
            select(OrganizationView.id, null(), OrganizationView.name).where(OrganizationView.id.in_(missing))
        )
    people: dict[uuid.UUID, set[uuid.UUID]] = {}
    query = union_all(*parts) if len(parts) > 1 else parts[0]
    for organization, user, name in (await session.execute(query)).all():
        if user is not None:
            people.setdefault(organization, set()).add(user)
        else:
            names[organization] = name
    hub.remember_names(missing, names)
    for s in signals:
        for o in s.organizations:
            s.concerned |= people.get(o, set())
        for param, o in s.names.items():
            s.params[param] = names.get(o, "")


async def people(
    memo: dict[str, Any], ids: set[uuid.UUID], session: AsyncSession
) -> tuple[dict[uuid.UUID, Preference], dict[uuid.UUID, Recipient]]:
    """Recipients with their preferences, in one query (everyone with preferences has a recipient row)."""
    prefs, people = memo["prefs"], memo["recipients"]
    missing = [i for i in ids if i not in people]
    if missing:
        query = (
            select(Recipient, Preference)
            .outerjoin(Preference, Preference.user_id == Recipient.user_id)
            .where(Recipient.user_id.in_(missing))
        )
        found = {r.user_id: (r, p) for r, p in (await session.execute(query)).all()}
        for i in missing:
            people[i], prefs[i] = found.get(i, (None, None))
    return (
        {i: prefs[i] for i in ids if prefs.get(i) is not None},
        {i: people[i] for i in ids if people.get(i) is not None},
    )


async def done(pairs: set[tuple[uuid.UUID, str]], session: AsyncSession) -> set[tuple[uuid.UUID, str]]:
    """Which (user, event) already have their item: one query over both key columns, pairs kept."""
    if not pairs:
        return set()
    query = select(NotificationItem.user_id, NotificationItem.event_id).where(
        NotificationItem.user_id.in_({u for u, _ in pairs}),
        NotificationItem.event_id.in_({e for _, e in pairs}),
    )
    return {(u, e) for u, e in (await session.execute(query)).all() if (u, e) in pairs}


def channels(
    signal: Signal, kind: Kind, subscribers: dict[uuid.UUID, Channels], prefs: dict[uuid.UUID, Preference]
) -> dict[uuid.UUID, Channels]:
    """Subscribers' channels as they chose them; concerned people's from their preferences or the defaults."""
    wanted = {u: Channels(c.in_app, c.email, c.webhook) for u, c in subscribers.items()}
    for user in signal.concerned:
        chosen = (prefs[user].channels or {}).get(signal.kind, {}) if user in prefs else {}
        email = kind.email if signal.kind in TRANSACTIONAL else chosen.get("email", kind.email)
        wanted.setdefault(user, Channels()).merge(
            bool(chosen.get("in_app", kind.in_app)), email, bool(chosen.get("webhook", True))
        )
    for user in signal.exclude:
        wanted.pop(user, None)
    return {u: c for u, c in wanted.items() if c.in_app or c.email != "off" or c.webhook}

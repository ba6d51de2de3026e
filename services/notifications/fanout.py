"""Fan-out: from one event to one notification per recipient, with its e-mail and webhook deliveries.

Recipients are the people the event concerns (with their preferences, or the kind's defaults) and
whoever subscribed with matching filters. One recipient and one event make exactly one
``NotificationItem`` (a primary key), checked first against Redis and settled by the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import queue
from services.notifications.effects import Hub
from services.notifications.kinds import KINDS, TRANSACTIONAL, Kind, body_of, language_of, render, title_of
from services.notifications.models import (
    DigestEntry,
    Notification,
    NotificationItem,
    Preference,
    Recipient,
    WebhookEndpoint,
)
from services.notifications.subscriptions import matches

_MEMO = "notifications.fanout.memo"
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


async def fan_out(signal: Signal, *, session: AsyncSession, hub: Hub, now: datetime | None = None) -> int:
    """Create the notifications and deliveries for one event; returns how many recipients got one."""
    kind = KINDS[signal.kind]
    now = now or datetime.now(UTC)
    subscribers: dict[uuid.UUID, Channels] = {}
    if kind.subscribable:
        for sub in await hub.subscriptions(signal.kind, session=session):
            if matches(sub.filters, signal.attributes):
                subscribers.setdefault(sub.user_id, Channels()).merge(sub.in_app, sub.email, sub.webhook)
    candidates = (signal.concerned | set(subscribers)) - signal.exclude
    if not candidates:
        return 0
    memo = _memo(session)
    prefs, recipients = await _people(memo, candidates, session)
    wanted = _channels(signal, kind, subscribers, prefs)
    keys = {user: hub.dedupe_key(user, signal.event_id) for user in wanted}
    seen = await hub.already_seen(list(keys.values()))
    users = [u for u in wanted if keys[u] not in seen]
    if not users:
        return 0
    done = set(
        (
            await session.execute(
                select(NotificationItem.user_id).where(
                    NotificationItem.event_id == signal.event_id, NotificationItem.user_id.in_(users)
                )
            )
        ).scalars()
    )
    groups: dict[uuid.UUID, Notification] = {}
    if kind.grouped and hub.settings.group_window_s > 0:
        known = memo["groups"].setdefault(signal.kind, {})
        unknown = [u for u in users if u not in known]
        if unknown:
            query = (
                select(Notification)
                .where(
                    Notification.user_id.in_(unknown),
                    Notification.group_key == signal.kind,
                    Notification.open_until > now,
                    Notification.read_at.is_(None),
                )
                .order_by(Notification.created_at)
            )
            found = {
                n.user_id: n for n in (await session.execute(query)).scalars()
            }  # the newest open one wins
            known.update({u: found.get(u) for u in unknown})
        groups = {u: g for u in users if (g := known.get(u)) is not None and _still_open(g, now)}
    effects = hub.effects(session)
    created = 0
    for user in users:
        if user in done:
            continue
        channels = wanted[user]
        pref = prefs.get(user)
        if pref is not None and not pref.email_enabled and signal.kind not in TRANSACTIONAL:
            channels.email = "off"
        recipient = recipients.get(user)
        lang = language_of((pref.language if pref else None) or (recipient.language if recipient else None))
        note, is_new = await _notification(
            signal, kind, user, lang, channels, groups.get(user), session=session, hub=hub, now=now
        )
        if kind.grouped:
            memo["groups"].setdefault(signal.kind, {})[user] = note
        session.add(
            NotificationItem(
                user_id=user,
                event_id=signal.event_id,
                notification_id=note.id,
                created_at=now,
                summary=title_of(kind, lang, signal.params),
            )
        )
        created += 1
        effects.seen.append(keys[user])
        if note.in_app:
            effects.pushes.append((str(user), push_message(note, signal.event_id)))
        if recipient is not None and recipient.email and channels.email != "off":
            if channels.email == "immediate":
                due = note.open_until if kind.grouped and note.open_until else now
                await queue.enqueue_email(session, user_id=user, notification_id=note.id, due=due)
                effects.wake_queue = True
            elif is_new:
                session.add(
                    DigestEntry(user_id=user, mode=channels.email, notification_id=note.id, created_at=now)
                )
    hooked = [u for u in users if u not in done and wanted[u].webhook]
    if hooked:
        effects.wake_queue |= await _webhooks(signal, hooked, session=session, now=now)
    await session.flush()
    return created


def _memo(session: AsyncSession) -> dict[str, Any]:
    """Per transaction: a consumer applies a batch of events in one, and a burst repeats its recipients.

    Handlers that change recipients or preferences call ``forget`` so the batch sees their change.
    """
    return session.info.setdefault(_MEMO, {"prefs": {}, "recipients": {}, "groups": {}})


def forget(session: AsyncSession) -> None:
    session.info.pop(_MEMO, None)


async def _people(
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


def _still_open(note: Notification, now: datetime) -> bool:
    return note.read_at is None and note.open_until is not None and queue.aware(note.open_until) > now  # type: ignore[operator]


def _channels(
    signal: Signal, kind: Kind, subscribers: dict[uuid.UUID, Channels], prefs: dict[uuid.UUID, Preference]
) -> dict[uuid.UUID, Channels]:
    """Subscribers' channels as they chose them; concerned people's from their preferences or the defaults."""
    wanted = dict(subscribers)
    for user in signal.concerned:
        chosen = (prefs[user].channels or {}).get(signal.kind, {}) if user in prefs else {}
        email = kind.email if signal.kind in TRANSACTIONAL else chosen.get("email", kind.email)
        wanted.setdefault(user, Channels()).merge(
            bool(chosen.get("in_app", kind.in_app)), email, bool(chosen.get("webhook", True))
        )
    for user in signal.exclude:
        wanted.pop(user, None)
    return {u: c for u, c in wanted.items() if c.in_app or c.email != "off" or c.webhook}


async def _notification(
    signal: Signal,
    kind: Kind,
    user: uuid.UUID,
    lang: str,
    channels: Channels,
    open_group: Notification | None,
    *,
    session: AsyncSession,
    hub: Hub,
    now: datetime,
) -> tuple[Notification, bool]:
    if open_group is not None:
        open_group.item_count += 1
        open_group.title = title_of(kind, lang, signal.params, open_group.item_count)
        open_group.body = body_of(kind, lang, signal.params)
        open_group.data = {**signal.params, "count": open_group.item_count}
        open_group.updated_at = now
        open_group.in_app = open_group.in_app or channels.in_app
        return open_group, False
    note = Notification(
        id=uuid.uuid4(),
        user_id=user,
        kind=signal.kind,
        title=title_of(kind, lang, signal.params),
        body=body_of(kind, lang, signal.params),
        link=_link(kind, signal.params),
        data=dict(signal.params),
        item_count=1,
        group_key=signal.kind if kind.grouped else None,
        open_until=now + timedelta(seconds=hub.settings.group_window_s) if kind.grouped else None,
        in_app=channels.in_app,
        created_at=now,
        updated_at=now,
    )
    session.add(note)
    await session.flush()
    return note, True


async def _webhooks(signal: Signal, users: list[uuid.UUID], *, session: AsyncSession, now: datetime) -> bool:
    """One delivery per enabled endpoint of these users that takes this kind: one query, one insert."""
    endpoints = (
        await session.execute(
            select(WebhookEndpoint).where(
                WebhookEndpoint.owner_id.in_(users), WebhookEndpoint.enabled.is_(True)
            )
        )
    ).scalars()
    data = {**signal.params, "event_id": signal.event_id}
    chosen = [e for e in endpoints if signal.kind in (e.kinds or [])]
    return (
        await queue.enqueue_webhooks(
            session, endpoints=chosen, event_type=signal.kind, data=data, event_id=signal.event_id, now=now
        )
        > 0
    )


def _link(kind: Kind, params: dict[str, Any]) -> str | None:
    return render(kind.link, params) if kind.link else None


def push_message(note: Notification, event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": str(note.id),
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "link": note.link,
        "itemCount": note.item_count,
        "data": note.data,
        "createdAt": note.created_at.isoformat(),
        "updatedAt": note.updated_at.isoformat(),
        "eventId": event_id,
    }

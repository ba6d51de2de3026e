"""Fan-out: from events to one notification per recipient and event, with its e-mail and webhook deliveries.

Recipients (``audience``) are the people an event concerns (with their preferences, or the kind's
defaults) and whoever subscribed with matching filters. One recipient and one event make exactly one
``NotificationItem`` (a primary key), checked first against Redis and settled by the database.

The consumer applies a fetched batch of events in one transaction; handlers only ``defer`` their
signals, and the batch is fanned out once before the commit, so its statements are per batch, not per
event: one query each for the people of organizations, names, recipients and preferences, items already
there and open bursts, one Redis MGET, and multi-row inserts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import audience, bursts, queue
from services.notifications.audience import Channels, Signal
from services.notifications.effects import Hub
from services.notifications.kinds import KINDS, TRANSACTIONAL, Kind, language_of, title_of
from services.notifications.models import (
    DigestEntry,
    Notification,
    NotificationItem,
    WebhookEndpoint,
)
from services.notifications.subscriptions import matches

_MEMO = "notifications.fanout.memo"
_PENDING = "notifications.fanout.pending"


def defer(session: AsyncSession, signal: Signal) -> None:
    """Leave a signal for ``flush_deferred``, which the consumer runs once before the batch commits."""
    session.info.setdefault(_PENDING, []).append(signal)


async def flush_deferred(session: AsyncSession, hub: Hub) -> None:
    if signals := session.info.pop(_PENDING, None):
        # The consumer claimed each of these events in processed_events in this very transaction, so
        # none of them can have items yet: no need to look.
        await fan_out_many(signals, session=session, hub=hub, claimed=True)


def forget(session: AsyncSession) -> None:
    """The per-transaction memo of recipients and bursts is stale (call after changing them)."""
    session.info.pop(_MEMO, None)


def _memo(session: AsyncSession) -> dict[str, Any]:
    # Per transaction: a burst repeats its recipients from one batch to the next within it.
    return session.info.setdefault(_MEMO, {"prefs": {}, "recipients": {}, "bursts": {}})


async def fan_out(signal: Signal, *, session: AsyncSession, hub: Hub, now: datetime | None = None) -> int:
    """Create the notifications and deliveries for one event; returns how many recipients got one."""
    return await fan_out_many([signal], session=session, hub=hub, now=now)


async def fan_out_many(
    signals: list[Signal],
    *,
    session: AsyncSession,
    hub: Hub,
    now: datetime | None = None,
    claimed: bool = False,
) -> int:
    """Fan out events in their order; returns how many (recipient, event) notifications were made.

    ``claimed``: the events were claimed in processed_events in this transaction, so have no items.
    """
    now = now or datetime.now(UTC)
    memo = _memo(session)
    await audience.resolve(signals, session=session, hub=hub)
    plans: list[tuple[Signal, Kind, dict[uuid.UUID, Channels]]] = []
    for signal in signals:
        kind = KINDS[signal.kind]
        subscribers: dict[uuid.UUID, Channels] = {}
        if kind.subscribable:
            for sub in await hub.subscriptions(signal.kind, session=session):
                if matches(sub.filters, signal.attributes):
                    subscribers.setdefault(sub.user_id, Channels()).merge(sub.in_app, sub.email, sub.webhook)
        if (signal.concerned | set(subscribers)) - signal.exclude:
            plans.append((signal, kind, subscribers))
    if not plans:
        return 0
    everyone = {u for s, _, subs in plans for u in (s.concerned | set(subs)) - s.exclude}
    prefs, recipients = await audience.people(memo, everyone, session)
    pairs = [
        (signal, kind, user, channels)
        for signal, kind, subscribers in plans
        for user, channels in audience.channels(signal, kind, subscribers, prefs).items()
    ]
    keys = [hub.dedupe_key(user, signal.event_id) for signal, _, user, _ in pairs]
    seen = await hub.already_seen(keys)
    fresh = [(p, k) for p, k in zip(pairs, keys, strict=True) if k not in seen]
    done = set() if claimed else await audience.done({(p[2], p[0].event_id) for p, _ in fresh}, session)
    window = hub.settings.group_window_s
    known = memo["bursts"]
    if window > 0:
        grouped = {(k.name, u) for (_, k, u, _), _ in fresh if k.grouped}
        await bursts.load(known, grouped, session=session, now=now)
    effects = hub.effects(session)
    items: list[dict[str, Any]] = []
    emails: dict[uuid.UUID, dict[str, Any]] = {}
    digests: list[dict[str, Any]] = []
    hooked: dict[str, tuple[Signal, list[uuid.UUID]]] = {}
    for (signal, kind, user, channels), key in fresh:
        if (user, signal.event_id) in done:
            continue
        done.add((user, signal.event_id))
        pref = prefs.get(user)
        if pref is not None and not pref.email_enabled and signal.kind not in TRANSACTIONAL:
            channels.email = "off"
        recipient = recipients.get(user)
        lang = language_of((pref.language if pref else None) or (recipient.language if recipient else None))
        if kind.grouped and window > 0:
            note, is_new = bursts.place(
                known, kind, user, signal.params, lang, channels.in_app, window_s=window, now=now
            )
        else:
            note, is_new = bursts.new(kind, user, signal.params, lang, channels.in_app, now=now), True
        if is_new:
            session.add(note)
        items.append(
            {
                "user_id": user,
                "event_id": signal.event_id,
                "notification_id": note.id,
                "created_at": now,
                "summary": title_of(kind, lang, signal.params),
            }
        )
        effects.seen.append(key)
        if note.in_app:
            effects.pushes.append((str(user), push_message(note, signal.event_id)))
        if recipient is not None and recipient.email and channels.email != "off":
            if channels.email == "immediate":
                due = bursts.mail_due(note, now)
                emails.setdefault(note.id, queue.email_row(user_id=user, notification_id=note.id, due=due))
            elif is_new:
                digests.append(
                    {
                        "id": uuid.uuid4(),
                        "user_id": user,
                        "mode": channels.email,
                        "notification_id": note.id,
                        "created_at": now,
                    }
                )
        if channels.webhook:
            hooked.setdefault(signal.event_id, (signal, []))[1].append(user)
    if not items:
        return 0
    await session.flush()  # new notifications and changed follow-ups, before the rows that point at them
    await session.execute(insert(NotificationItem), items)
    if digests:
        await session.execute(insert(DigestEntry), digests)
    if emails:
        effects.wake_queue |= await queue.insert_ignore(session, list(emails.values())) > 0
    if hooked:
        effects.wake_queue |= await _webhooks(list(hooked.values()), session=session, now=now)
    return len(items)


async def _webhooks(
    hooked: list[tuple[Signal, list[uuid.UUID]]], *, session: AsyncSession, now: datetime
) -> bool:
    """One delivery per enabled endpoint of these users that takes the kind: one query, one insert."""
    owners = {u for _, users in hooked for u in users}
    endpoints: dict[uuid.UUID, list[WebhookEndpoint]] = {}
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.owner_id.in_(owners), WebhookEndpoint.enabled.is_(True)
    )
    for endpoint in (await session.execute(query)).scalars():
        endpoints.setdefault(endpoint.owner_id, []).append(endpoint)
    rows = [
        row
        for signal, users in hooked
        for row in queue.webhook_rows(
            [e for u in users for e in endpoints.get(u, []) if signal.kind in (e.kinds or [])],
            event_type=signal.kind,
            data={**signal.params, "event_id": signal.event_id},
            event_id=signal.event_id,
            now=now,
        )
    ]
    return bool(rows) and await queue.insert_ignore(session, rows) > 0


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

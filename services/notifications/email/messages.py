"""Turning a queued e-mail delivery into a message, at send time (a grouped alert has its final count)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.config import NotificationsSettings
from services.notifications.email.render import TEXT, Entry, Envelope, compose
from services.notifications.kinds import KINDS, TRANSACTIONAL, body_of, language_of, title_of
from services.notifications.models import Delivery, Notification, NotificationItem, Preference, Recipient

MAX_DETAILS = 20


async def build(
    delivery: Delivery, *, session: AsyncSession, settings: NotificationsSettings, secret: str
) -> EmailMessage | None:
    """The message to send, or None when there is nobody (or nothing) to send it to any more."""
    recipient = await session.get(Recipient, delivery.user_id)
    if recipient is None or not recipient.email:
        return None
    pref = await session.get(Preference, delivery.user_id)
    lang = language_of((pref.language if pref else None) or recipient.language)
    payload = delivery.payload or {}

    def envelope(kind: str | None) -> Envelope:
        return Envelope(
            to=recipient.email or "",
            name=recipient.display_name,
            lang=lang,
            mail_from=settings.mail_from,
            app_url=settings.app_url,
            public_url=settings.public_url,
            secret=secret,
            user_id=recipient.user_id,
            unsubscribe_kind=kind,
        )

    if "digest" in payload:
        ids = [uuid.UUID(i) for i in payload.get("notification_ids", [])]
        notes = list(
            (
                await session.execute(
                    select(Notification).where(Notification.id.in_(ids)).order_by(Notification.created_at)
                )
            ).scalars()
        )
        if not notes:
            return None
        t = TEXT[lang]
        subject = t[f"digest_{payload['digest']}"].format(n=sum(n.item_count for n in notes))
        entries = [Entry(n.title, n.body, n.link) for n in notes]
        return compose(envelope("*"), subject, entries, intro=t["digest_intro"])
    if "notification_id" in payload:
        note = await session.get(Notification, uuid.UUID(payload["notification_id"]))
        if note is None:
            return None
        details: tuple[str, ...] = ()
        if note.item_count > 1:
            summaries = (
                await session.execute(
                    select(NotificationItem.summary)
                    .where(NotificationItem.notification_id == note.id)
                    .order_by(NotificationItem.created_at)
                    .limit(MAX_DETAILS)
                )
            ).scalars()
            details = tuple(summaries)
        entry = Entry(
            note.title,
            note.body if note.item_count == 1 else "",
            note.link if note.item_count == 1 else None,
            details,
            max(0, note.item_count - len(details)) if details else 0,
        )
        kind = None if note.kind in TRANSACTIONAL else note.kind
        return compose(envelope(kind), note.title, [entry])
    if "kind" in payload:  # a direct message, e.g. a password reset, rendered from its parameters
        spec = KINDS[payload["kind"]]
        params = payload.get("params", {})
        kind = None if spec.name in TRANSACTIONAL else spec.name
        title = title_of(spec, lang, params)
        return compose(envelope(kind), title, [Entry(title, body_of(spec, lang, params))])
    return None

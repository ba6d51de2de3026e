"""Bursts of a grouped kind: the first alert goes out at once, the rest of the window become one follow-up.

A burst opens with a person's first alert of a grouped kind: that notification stands alone
(``group_key`` "<kind>#first") and is mailed at once; its ``open_until`` is the end of the window
(``group_window_s``). Every later alert of the kind for that person before the window ends folds into one
follow-up notification (``group_key`` "<kind>", ``open_until`` the same end), pushed live with its count
each time and mailed when the window ends, with its final count. A follow-up the person has read is
never changed under them: the next alert of the window starts another follow-up. After the window, the
next alert opens a new burst.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.kinds import Kind, body_of, render, title_of
from services.notifications.models import Notification
from services.notifications.queue import aware

FIRST = "#first"


@dataclass
class Burst:
    ends: datetime
    follow_up: Notification | None = None


def _open(note: Notification, now: datetime) -> bool:
    return note.open_until is not None and aware(note.open_until) > now  # type: ignore[operator]


async def load(
    known: dict[tuple[str, uuid.UUID], Burst | None],
    wanted: set[tuple[str, uuid.UUID]],
    *,
    session: AsyncSession,
    now: datetime,
) -> None:
    """Fill ``known`` with the open burst (or None) of each (kind, user) in ``wanted``: one query."""
    missing = {key for key in wanted if key not in known}
    if not missing:
        return
    kinds = {kind for kind, _ in missing}
    query = (
        select(Notification)
        .where(
            Notification.user_id.in_({user for _, user in missing}),
            Notification.group_key.in_([k for kind in kinds for k in (kind, kind + FIRST)]),
            Notification.open_until > now,
        )
        .order_by(Notification.created_at)
    )
    for key in missing:
        known[key] = None
    for note in (await session.execute(query)).scalars():
        kind = note.group_key.removesuffix(FIRST)  # type: ignore[union-attr]
        key = (kind, note.user_id)
        if key not in missing:
            continue
        burst = known[key] or Burst(ends=aware(note.open_until))  # type: ignore[arg-type]
        burst.ends = max(burst.ends, aware(note.open_until))  # type: ignore[type-var,arg-type]
        if note.group_key == kind and note.read_at is None:
            burst.follow_up = note  # the newest unread follow-up wins (created_at order)
        known[key] = burst


def place(
    known: dict[tuple[str, uuid.UUID], Burst | None],
    kind: Kind,
    user: uuid.UUID,
    params: dict[str, Any],
    lang: str,
    in_app: bool,
    *,
    window_s: float,
    now: datetime,
) -> tuple[Notification, bool]:
    """The notification this alert belongs to, and whether it is new (mailed at its ``open_until``)."""
    key = (kind.name, user)
    burst = known.get(key)
    if burst is not None and burst.ends <= now:
        burst = None
    if burst is None:  # the leading edge: this alert alone, right away
        note = new(kind, user, params, lang, in_app, now=now, group_key=kind.name + FIRST)
        note.open_until = now + timedelta(seconds=window_s)
        known[key] = Burst(ends=note.open_until)
        return note, True
    follow_up = burst.follow_up
    if follow_up is not None and follow_up.read_at is None and _open(follow_up, now):
        follow_up.item_count += 1
        follow_up.title = title_of(kind, lang, params, follow_up.item_count)
        follow_up.body = body_of(kind, lang, params)
        follow_up.data = {**params, "count": follow_up.item_count}
        follow_up.updated_at = now
        follow_up.in_app = follow_up.in_app or in_app
        return follow_up, False
    # A microsecond after the batch's time: a follow-up made in the batch that opened the burst still
    # sorts above its first alert in the inbox (newest first).
    note = new(kind, user, params, lang, in_app, now=now + timedelta(microseconds=1), group_key=kind.name)
    note.open_until = burst.ends
    burst.follow_up = note
    return note, True


def new(
    kind: Kind,
    user: uuid.UUID,
    params: dict[str, Any],
    lang: str,
    in_app: bool,
    *,
    now: datetime,
    group_key: str | None = None,
) -> Notification:
    return Notification(
        id=uuid.uuid4(),
        user_id=user,
        kind=kind.name,
        title=title_of(kind, lang, params),
        body=body_of(kind, lang, params),
        link=render(kind.link, params) if kind.link else None,
        data=dict(params),
        item_count=1,
        group_key=group_key,
        open_until=None,
        in_app=in_app,
        created_at=now,
        updated_at=now,
        read_at=None,
    )


def mail_due(note: Notification, now: datetime) -> datetime:
    """A follow-up is mailed when its window ends, with its final count; anything else at once."""
    if note.group_key and not note.group_key.endswith(FIRST) and note.open_until is not None:
        return aware(note.open_until)  # type: ignore[return-value]
    return now

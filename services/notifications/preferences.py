"""Preferences: language, channels per kind, digest schedule; and the one-click unsubscribe."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.kinds import EMAIL_MODES, KINDS, LANGUAGES, TRANSACTIONAL
from services.notifications.models import Preference, Recipient, Subscription
from shared.errors import DomainError


async def ensure_recipient(session: AsyncSession, user_id: uuid.UUID) -> None:
    """A recipient row for someone directory has not told us of yet: fan-out reads preferences through it."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(
        dialect.insert(Recipient)
        .values(user_id=user_id, display_name="", language="es", roles=[], organization_ids=[])
        .on_conflict_do_nothing()
    )


async def get_preferences(*, session: AsyncSession, user_id: uuid.UUID) -> Preference:
    pref = await session.get(Preference, user_id)
    if pref is None:
        await ensure_recipient(session, user_id)
        pref = Preference(
            user_id=user_id, language=None, email_enabled=True, channels={}, digest_hour=8, digest_weekday=0
        )
        session.add(pref)
        await session.flush()
    return pref


def effective_channels(pref: Preference) -> dict[str, dict[str, Any]]:
    """Every kind with the channels that apply to it for this person (their choice or the default)."""
    chosen = pref.channels or {}
    return {
        name: {
            "in_app": chosen.get(name, {}).get("in_app", k.in_app),
            "email": chosen.get(name, {}).get("email", k.email),
            "webhook": chosen.get(name, {}).get("webhook", True),
        }
        for name, k in KINDS.items()
        if name not in TRANSACTIONAL
    }


async def update_preferences(
    *, session: AsyncSession, user_id: uuid.UUID, changes: dict[str, Any]
) -> Preference:
    pref = await get_preferences(session=session, user_id=user_id)
    if (lang := changes.get("language")) is not None:
        if lang not in LANGUAGES:
            raise DomainError(
                "validation_error", f"language is one of {', '.join(LANGUAGES)}", details={"language": lang}
            )
        pref.language = lang
    if changes.get("email_enabled") is not None:
        pref.email_enabled = bool(changes["email_enabled"])
    if (hour := changes.get("digest_hour")) is not None:
        if not 0 <= int(hour) <= 23:
            raise DomainError("validation_error", "digest_hour is 0-23 (UTC)", details={"digest_hour": hour})
        pref.digest_hour = int(hour)
    if (day := changes.get("digest_weekday")) is not None:
        if not 0 <= int(day) <= 6:
            raise DomainError(
                "validation_error", "digest_weekday is 0 (Monday) to 6", details={"digest_weekday": day}
            )
        pref.digest_weekday = int(day)
    if changes.get("channels"):
        channels = dict(pref.channels or {})
        for entry in changes["channels"]:
            kind = entry["kind"]
            if kind not in KINDS or kind in TRANSACTIONAL:
                raise DomainError(
                    "unknown_notification_kind",
                    f"{kind!r} is not a notification kind",
                    details={"kind": kind},
                )
            current = dict(channels.get(kind, {}))
            if entry.get("email") is not None:
                if entry["email"] not in EMAIL_MODES:
                    raise DomainError(
                        "validation_error",
                        f"email is one of {', '.join(EMAIL_MODES)}",
                        details={"email": entry["email"]},
                    )
                current["email"] = entry["email"]
            for flag in ("in_app", "webhook"):
                if entry.get(flag) is not None:
                    current[flag] = bool(entry[flag])
            channels[kind] = current
        pref.channels = channels
    await session.flush()
    return pref


async def unsubscribe(*, session: AsyncSession, user_id: uuid.UUID, kind: str) -> None:
    """From one kind's e-mails (its default channel and every subscription to it), or ``*``: all e-mail."""
    pref = await get_preferences(session=session, user_id=user_id)
    if kind == "*":
        pref.email_enabled = False
        return
    if kind in KINDS and kind not in TRANSACTIONAL:
        channels = dict(pref.channels or {})
        channels[kind] = {**channels.get(kind, {}), "email": "off"}
        pref.channels = channels
        await session.execute(
            update(Subscription)
            .where(Subscription.user_id == user_id, Subscription.kind == kind)
            .values(email="off")
        )

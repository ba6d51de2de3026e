"""Signed unsubscribe tokens: who, from what, HMAC-SHA256 with the service's secret.

A token carries no expiry on purpose: an unsubscribe link in a years-old e-mail must still work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.models import ServiceSecret
from shared.errors import DomainError

_NAME = "unsubscribe"


async def load_secret(*, session: AsyncSession, configured: str | None) -> str:
    if configured:
        return configured
    # Insert-if-absent then read: replicas (or concurrent senders) racing here all end up with one secret.
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(
        dialect.insert(ServiceSecret)
        .values(name=_NAME, value=secrets.token_urlsafe(32))
        .on_conflict_do_nothing()
    )
    return (
        await session.execute(select(ServiceSecret.value).where(ServiceSecret.name == _NAME))
    ).scalar_one()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(secret: str, user_id: uuid.UUID, kind: str) -> str:
    """``kind`` is a notification kind, or ``*`` for every e-mail."""
    body = _b64(json.dumps({"u": str(user_id), "k": kind}, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def read_token(secret: str, token: str) -> tuple[uuid.UUID, str]:
    try:
        body, signature = token.split(".", 1)
        expected = _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            raise ValueError("bad signature")
        claims = json.loads(_unb64(body))
        return uuid.UUID(claims["u"]), str(claims["k"])
    except (ValueError, KeyError, TypeError):
        raise DomainError("invalid_unsubscribe_token", "this unsubscribe link is not valid") from None

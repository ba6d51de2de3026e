"""Password reset by an e-mailed single-use token. Directory keeps only the token's hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts import passwords
from services.directory.accounts.models import PasswordReset, User
from services.directory.models import outbox
from shared.errors import DomainError
from shared.events.directory import PasswordResetRequested
from shared.outbox import record


async def request_password_reset(
    email: str, *, session: AsyncSession, reset_url: str, ttl_s: int, now: datetime | None = None
) -> str | None:
    """Issue a token and announce it for e-mailing; returns the token (None for unknown addresses).

    The API answers the same for known and unknown addresses, so it cannot be used to find accounts.
    """
    now = now or datetime.now(UTC)
    user = (
        await session.execute(select(User).where(User.email == email.strip().lower()))
    ).scalar_one_or_none()
    if user is None:
        return None
    # A new request supersedes older links: only the latest one works.
    await session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = passwords.new_secret()
    expires_at = now + timedelta(seconds=ttl_s)
    session.add(PasswordReset(token_hash=passwords.digest(token), user_id=user.id, expires_at=expires_at))
    await session.flush()
    requested = PasswordResetRequested(
        user_id=user.id,
        language=user.language,
        reset_url=reset_url + token,
        expires_at=expires_at.isoformat(),
    )
    await record(session, outbox, requested, subject=str(user.id))
    return token


async def reset_password(
    token: str, new_password: str, *, session: AsyncSession, now: datetime | None = None
) -> uuid.UUID:
    """Set a new password with a valid, unused, unexpired token; the token is spent."""
    now = now or datetime.now(UTC)
    reset = await session.get(PasswordReset, passwords.digest(token))
    if reset is None or reset.used_at is not None or _aware(reset.expires_at) <= now:
        raise DomainError(
            "invalid_reset_token", "this reset link is unknown, used or expired; ask for a new one"
        )
    passwords.check_strength(new_password)
    user = await session.get(User, reset.user_id)
    assert user is not None
    reset.used_at = now
    user.password_hash = await passwords.hash_password(new_password)
    await session.flush()
    return user.id


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""API keys for agencies' own systems: created by agency officers, exchanged by the gateway for tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts import passwords
from services.directory.accounts.models import ApiKey, User
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound

KEY_PREFIX = "csk_"
MAX_ACTIVE_KEYS = 20


async def create_api_key(name: str, *, session: AsyncSession, by: Principal) -> tuple[ApiKey, str]:
    """A new key for the caller; the secret is returned once and only its hash is kept."""
    by.require(Role.agency_officer)
    active = await list_api_keys(session=session, by=by)
    if sum(1 for k in active if k.revoked_at is None) >= MAX_ACTIVE_KEYS:
        raise DomainError("conflict", f"at most {MAX_ACTIVE_KEYS} active keys; revoke one first")
    secret = passwords.new_secret(KEY_PREFIX)
    key = ApiKey(
        id=uuid.uuid4(), key_hash=passwords.digest(secret), prefix=secret[:10], name=name, user_id=by.user_id
    )
    session.add(key)
    await session.flush()
    return key, secret


async def list_api_keys(*, session: AsyncSession, by: Principal) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.user_id == by.user_id).order_by(ApiKey.created_at, ApiKey.id)
    return list((await session.execute(query)).scalars())


async def revoke_api_key(key_id: uuid.UUID, *, session: AsyncSession, by: Principal) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None or (key.user_id != by.user_id and Role.admin not in by.roles):
        raise NotFound("api key", key_id)
    key.revoked_at = key.revoked_at or datetime.now(UTC)
    await session.flush()
    return key


async def authenticate_api_key(secret: str, *, session: AsyncSession) -> User:
    """The officer a live key acts for; a key outlives its owner's role only until the role is gone."""
    key = (
        await session.execute(select(ApiKey).where(ApiKey.key_hash == passwords.digest(secret)))
    ).scalar_one_or_none()
    user = await session.get(User, key.user_id) if key is not None and key.revoked_at is None else None
    if key is None or user is None or not ({Role.agency_officer.value, Role.admin.value} & set(user.roles)):
        raise DomainError("invalid_api_key", "this API key is unknown or revoked")
    key.last_used_at = datetime.now(UTC)
    await session.flush()
    return user

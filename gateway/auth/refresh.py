"""Rotating refresh tokens in Redis, with reuse detection by token family.

A refresh token is ``<family>.<secret>``. Redis keeps, per family, the owner and the hash of the one
current secret, plus the hashes of the secrets already spent. Using the current secret rotates it;
presenting a spent one means the token was copied (the thief or the owner used it first), so the
whole family is revoked and both must sign in again (OAuth 2.0 Security BCP, refresh token
rotation). One Lua call decides and updates atomically, so two replicas never both rotate one token.
Keys share a hash tag per family, so the script also works on Redis Cluster.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

import redis.asyncio as aioredis

from shared.errors import DomainError

ROTATE = """
local current = redis.call('HGET', KEYS[1], 'current')
if not current then return {'invalid', ''} end
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'current', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return {'rotated', redis.call('HGET', KEYS[1], 'user')}
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  local user = redis.call('HGET', KEYS[1], 'user')
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'reused', user}
end
return {'invalid', ''}
"""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Rotation:
    user_id: uuid.UUID
    token: str  # the new refresh token


class RefreshTokens:
    def __init__(self, redis: aioredis.Redis, *, ttl_s: int, namespace: str = "") -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self.prefix = f"{namespace}:auth" if namespace else "auth"
        self._rotate = redis.register_script(ROTATE)

    def _family(self, family: str) -> str:
        return f"{self.prefix}:rt:{{{family}}}"

    def _spent(self, family: str) -> str:
        return f"{self.prefix}:rt:{{{family}}}:spent"

    def _user(self, user_id: uuid.UUID) -> str:
        return f"{self.prefix}:user:{user_id}:families"

    async def issue(self, user_id: uuid.UUID) -> str:
        """A new family (one per sign-in) and its first token."""
        family, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._family(family), mapping={"user": str(user_id), "current": _digest(secret)})
            pipe.expire(self._family(family), self.ttl_s)
            pipe.sadd(self._user(user_id), family)
            pipe.expire(self._user(user_id), self.ttl_s)
            await pipe.execute()
        return f"{family}.{secret}"

    async def owner(self, token: str) -> uuid.UUID:
        """Whose family this token names (without spending it); ``invalid_refresh_token`` if none."""
        family, _ = _split(token)
        user = await self.redis.hget(self._family(family), "user")
        if user is None:
            raise DomainError("invalid_refresh_token", "the refresh token is unknown, expired or revoked")
        return uuid.UUID(user.decode() if isinstance(user, bytes) else user)

    async def rotate(self, token: str) -> Rotation:
        family, secret = _split(token)
        new_secret = secrets.token_urlsafe(32)
        outcome, user = await self._rotate(
            keys=[self._family(family), self._spent(family)],
            args=[_digest(secret), _digest(new_secret), self.ttl_s],
        )
        outcome = outcome.decode() if isinstance(outcome, bytes) else outcome
        if outcome == "reused":
            raise DomainError(
                "refresh_token_reused",
                "this refresh token was already used: every session it started is signed out; sign in again",
            )
        if outcome != "rotated":
            raise DomainError("invalid_refresh_token", "the refresh token is unknown, expired or revoked")
        user_id = uuid.UUID(user.decode() if isinstance(user, bytes) else user)
        await self.redis.expire(self._user(user_id), self.ttl_s)
        return Rotation(user_id=user_id, token=f"{family}.{new_secret}")

    async def revoke(self, token: str) -> bool:
        """Sign out: the family of this token stops working. False when it was unknown already."""
        try:
            family, _ = _split(token)
        except DomainError:
            return False
        return bool(await self.redis.delete(self._family(family), self._spent(family)))

    async def revoke_all(self, user_id: uuid.UUID) -> int:
        """Every session of a person (after a password reset)."""
        families = [f.decode() for f in await self.redis.smembers(self._user(user_id))]
        removed = 0
        for family in families:
            removed += bool(await self.redis.delete(self._family(family), self._spent(family)))
        await self.redis.delete(self._user(user_id))
        return removed


def _split(token: str) -> tuple[str, str]:
    family, _, secret = token.strip().partition(".")
    if len(family) != 32 or not secret or not all(c in "0123456789abcdef" for c in family):
        raise DomainError("invalid_refresh_token", "this is not a refresh token")
    return family, secret

"""Guessing passwords and flooding inboxes, slowed down per e-mail address (Redis, every replica).

The gateway's general rate limits count requests per user and per IP; these count what matters for
one account whatever the IP: failed sign-ins (10 per 15 minutes) and reset e-mails (3 per hour).
"""

from __future__ import annotations

import hashlib

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from shared.errors import DomainError

# Count in a fixed window that starts at the first attempt: INCR, and set the expiry only then.
COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class Throttle:
    def __init__(
        self, redis: aioredis.Redis, *, namespace: str, name: str, limit: int, window_s: int
    ) -> None:
        self.redis = redis
        self.prefix = f"{namespace}:auth:{name}" if namespace else f"auth:{name}"
        self.limit = limit
        self.window_s = window_s
        self._count = redis.register_script(COUNT)

    def _key(self, email: str) -> str:
        # Hashed: Redis holds no e-mail addresses.
        return f"{self.prefix}:{hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]}"

    async def exceeded(self, email: str) -> bool:
        try:
            count = await self.redis.get(self._key(email))
        except RedisError:
            return False  # Redis away: argon2 still makes each guess slow
        return count is not None and int(count) >= self.limit

    async def count(self, email: str) -> None:
        try:
            await self._count(keys=[self._key(email)], args=[self.window_s])
        except RedisError:
            pass

    async def clear(self, email: str) -> None:
        try:
            await self.redis.delete(self._key(email))
        except RedisError:
            pass

    async def check(self, email: str) -> None:
        if await self.exceeded(email):
            ttl = await self.redis.ttl(self._key(email))
            raise DomainError(
                "rate_limited",
                "too many attempts for this account; try again later",
                details={"retry_after_s": max(int(ttl), 1)},
            )

"""Rate limits per user and per IP, kept in Redis with GCRA so that every gateway replica agrees.

GCRA (the generic cell rate algorithm) stores one timestamp per caller: the "theoretical arrival
time" of the next request. It allows a steady rate plus a burst, and says exactly when the next
request would be allowed, which becomes the `Retry-After`. One Lua call checks and updates
atomically, with Redis's own clock, so replicas with skewed clocks still share one budget.

Signed-in callers are limited per user (an agency office behind one NAT is not one caller);
anonymous callers per IP. When Redis is unreachable the gateway lets requests through and logs:
losing the limiter for a while is better than losing the gateway.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from fastapi import WebSocketException
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.requests import HTTPConnection

from gateway.config import GatewaySettings
from shared.auth import TokenVerifier
from shared.errors import DomainError

log = logging.getLogger("gateway.rate")

# KEYS[i]: one bucket; ARGV[2i-1], ARGV[2i]: its emission interval and burst tolerance (µs).
# Returns 0 when allowed (every bucket advanced), else the µs to wait (no bucket touched).
# Microseconds: at high budgets the interval is below a millisecond (and fits a double up to 2^53).
GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait, tats = 0, {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local tolerance = tonumber(ARGV[2 * i])
  local tat = math.max(tonumber(redis.call('GET', key) or now), now)
  local new_tat = tat + interval
  local allow_at = new_tat - tolerance
  if allow_at > now then wait = math.max(wait, allow_at - now) end
  tats[i] = new_tat
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, string.format('%.0f', tats[i]), 'PX', math.max(math.ceil((tats[i] - now) / 1000), 1))
end
return 0
"""


# Set in the ASGI scope's state once a request has been counted (gateway/fastpath.py).
RATE_COUNTED = "consorcia_rate_counted"


class RateLimited(Exception):
    def __init__(self, retry_after_s: float, scope: str) -> None:
        super().__init__(f"rate limited ({scope}); retry after {retry_after_s:.1f}s")
        self.retry_after_s = retry_after_s
        self.scope = scope


@dataclass(frozen=True)
class Bucket:
    scope: str  # "user", "key" or "ip": named in the error
    key: str
    per_minute: int
    burst: int

    def args(self) -> list[int]:
        interval = 60_000_000 / max(self.per_minute, 1)
        return [math.ceil(interval), math.ceil(interval * self.burst)]


class RateLimiter:
    def __init__(
        self, settings: GatewaySettings, redis: aioredis.Redis, verifier: TokenVerifier | None
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.verifier = verifier
        self.prefix = settings.subject("gateway.ratelimit")
        self._script = redis.register_script(GCRA)
        # token -> (user id, expiry): verifying Ed25519 on every request only to name the bucket is waste.
        self._identities: dict[str, tuple[str, float]] = {}
        self._last_warning = 0.0

    def bucket_for(self, token: str | None, api_key: str | None, ip: str) -> Bucket:
        s = self.settings
        if token and (user := self._user_of(token)):
            return Bucket(
                "user", f"{self.prefix}:user:{user}", s.rate_limit_user_per_minute, s.rate_limit_burst
            )
        if api_key:
            digest = hashlib.sha256(api_key.encode()).hexdigest()[:24]
            return Bucket(
                "key", f"{self.prefix}:key:{digest}", s.rate_limit_user_per_minute, s.rate_limit_burst
            )
        return Bucket("ip", f"{self.prefix}:ip:{ip}", s.rate_limit_ip_per_minute, s.rate_limit_burst)

    def _user_of(self, token: str) -> str | None:
        cached = self._identities.get(token)
        if cached and cached[1] > time.time():
            return cached[0]
        if self.verifier is None:
            return None
        try:
            principal = self.verifier.verify(token)
        except DomainError:
            return None  # an invalid token is an anonymous caller here; resolvers refuse it properly
        if len(self._identities) > 10_000:
            self._identities.clear()
        # Re-verify at least every minute, so an expired token stops naming a user soon after.
        self._identities[token] = (str(principal.user_id), time.time() + 60)
        return str(principal.user_id)

    async def check(self, bucket: Bucket) -> None:
        try:
            wait_us = int(await self._script(keys=[bucket.key], args=bucket.args()))
        except (RedisError, OSError) as exc:
            now = time.monotonic()
            if now - self._last_warning > 30:
                self._last_warning = now
                log.warning("rate limiter unavailable; letting requests through", extra={"error": repr(exc)})
            return
        if wait_us > 0:
            raise RateLimited(wait_us / 1_000_000, bucket.scope)


def caller_of(headers, client) -> tuple[str | None, str | None, str]:  # type: ignore[no-untyped-def]
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return bearer, headers.get("x-api-key"), client.host if client else "unknown"


async def rate_limit(connection: HTTPConnection) -> None:
    """Router dependency: runs before the document is even parsed.

    A WebSocket handshake costs one request of its IP's budget (its token comes later, at init).
    """
    limiter: RateLimiter | None = connection.app.state.rate_limiter
    if limiter is None or connection.scope.get("state", {}).get(RATE_COUNTED):
        return
    bearer, api_key, ip = caller_of(connection.headers, connection.client)
    if connection.scope["type"] == "http":
        await limiter.check(limiter.bucket_for(bearer, api_key, ip))
        return
    try:
        await limiter.check(limiter.bucket_for(None, None, ip))
    except RateLimited as exc:
        reason = f"rate_limited: retry after {math.ceil(exc.retry_after_s)}s"
        raise WebSocketException(code=1013, reason=reason) from None


def rate_limited_response(exc: RateLimited) -> JSONResponse:
    retry_after = max(1, math.ceil(exc.retry_after_s))
    body = {
        "data": None,
        "errors": [
            {
                "message": f"too many requests for this {exc.scope}; retry after {retry_after} s",
                "extensions": {"code": "rate_limited", "retryAfter": retry_after, "scope": exc.scope},
            }
        ],
    }
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(retry_after)})

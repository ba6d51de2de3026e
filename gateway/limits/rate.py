"""Rate limits per user and per IP, kept in Redis with GCRA so that every gateway replica agrees.

GCRA (the generic cell rate algorithm) stores one timestamp per caller: the "theoretical arrival
time" of the next request. It allows a steady rate plus a burst, and says exactly when the next
request would be allowed, which becomes the `Retry-After`. One Lua call checks and updates
atomically, with Redis's own clock, so replicas with skewed clocks still share one budget. A busy
caller's requests are reserved a few at a time (leases, below): a Redis round trip on every request
was a tenth of the gateway's CPU on its search page.

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

# KEYS[1]: the bucket; ARGV: its emission interval and burst tolerance (µs), and how many requests
# the caller would like to reserve. Grants as many as the budget allows, at most that many, and
# advances the bucket by them; returns {granted, 0}, or {0, µs to wait} (the bucket untouched).
# Microseconds: at high budgets the interval is below a millisecond (and fits a double up to 2^53).
GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local granted = math.min(tonumber(ARGV[3]), math.floor((now + tolerance - tat) / interval))
if granted < 1 then return {0, tat + interval - tolerance - now} end
local new_tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.max(math.ceil((new_tat - now) / 1000), 1))
return {granted, 0}
"""
# A busy caller's requests are reserved from Redis a few at a time (a lease) and counted locally
# until the lease is used up or LEASE_S old; the lease is sized from the caller's requests in the
# previous second, so a caller sending a few requests a second reserves one at a time, exactly as
# before, and no lease takes more than a quarter of its burst (or MAX_LEASE). Every permit was
# granted by Redis, so replicas still share one budget; unused permits of an expired lease are lost
# (the limit errs on the strict side, by at most one lease per replica). A refused caller is refused
# locally until the wait Redis named is over.
LEASE_S = 0.25
MAX_LEASE = 50


@dataclass
class _Lease:
    permits: int = 0
    expires: float = 0.0
    window: float = 0.0  # start of the current second
    seen: int = 0  # requests in the current second
    rate: int = 0  # requests in the previous second
    refused_until: float = 0.0  # Redis said no permit before then: no need to ask again


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
        self._leases: dict[str, _Lease] = {}  # bucket key -> permits reserved from Redis
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
        now = time.monotonic()
        lease = self._leases.get(bucket.key)
        if lease is None:
            if len(self._leases) > 10_000:
                self._leases.clear()
            lease = self._leases[bucket.key] = _Lease(window=now)
        if now - lease.window >= 1.0:
            lease.rate = lease.seen if now - lease.window < 2.0 else 0
            lease.window, lease.seen = now, 0
        lease.seen += 1
        if lease.permits > 0 and now < lease.expires:
            lease.permits -= 1
            return
        if now < lease.refused_until:  # the budget only fills with time, whatever other replicas do
            raise RateLimited(lease.refused_until - now, bucket.scope)
        want = max(1, min(int(lease.rate * LEASE_S), bucket.burst // 4, MAX_LEASE))
        try:
            granted, wait_us = await self._script(keys=[bucket.key], args=[*bucket.args(), want])
        except (RedisError, OSError) as exc:
            if now - self._last_warning > 30:
                self._last_warning = now
                log.warning("rate limiter unavailable; letting requests through", extra={"error": repr(exc)})
            return
        if int(granted) < 1:
            lease.permits, lease.refused_until = 0, now + int(wait_us) / 1_000_000
            raise RateLimited(int(wait_us) / 1_000_000, bucket.scope)
        lease.permits, lease.expires = int(granted) - 1, now + LEASE_S


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

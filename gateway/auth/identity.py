"""Who is calling: decided once per request from the Authorization header, never taken on trust.

The gateway verifies the signature, expiry, audience and issuer itself, and checks that the token
was not signed out; only then does it forward the same bearer token to the services (which verify
it again). A token that fails is not forwarded: the request goes on as anonymous, and operations
that need a signed-in caller answer with the reason (for example, `unauthenticated`: expired).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from shared.auth import Principal, TokenVerifier
from shared.errors import DomainError


@dataclass(frozen=True)
class Identity:
    principal: Principal | None = None
    token: str | None = None
    error: DomainError | None = None

    def forward_headers(self) -> dict[str, str]:
        if self.principal is None or self.token is None:
            return {}
        return {"Authorization": f"Bearer {self.token}"}

    def require(self) -> Principal:
        if self.principal is not None:
            return self.principal
        raise self.error or DomainError("unauthenticated", "sign in first: this needs an access token")


ANONYMOUS = Identity()


class SignedOutTokens:
    """Access tokens signed out before they expire, by id, until their expiry (Redis)."""

    def __init__(self, redis: aioredis.Redis, *, namespace: str = "") -> None:
        self.redis = redis
        self.prefix = f"{namespace}:auth:deny" if namespace else "auth:deny"

    async def add(self, principal: Principal, *, ttl_s: int) -> None:
        """Remember a token id for as long as the token could still be valid (its lifetime, plus leeway)."""
        if principal.token_id:
            await self.redis.set(f"{self.prefix}:{principal.token_id}", "1", ex=ttl_s + 10)

    async def contains(self, principal: Principal) -> bool:
        if not principal.token_id:
            return False
        try:
            return bool(await self.redis.exists(f"{self.prefix}:{principal.token_id}"))
        except RedisError:
            # Redis away: tokens still expire within minutes; refusing every caller would be worse.
            return False


async def identify(
    authorization: str | None, *, verifier: TokenVerifier | None, signed_out: SignedOutTokens | None
) -> Identity:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if not token or scheme.lower() != "bearer":
        return ANONYMOUS
    if verifier is None:
        return Identity(error=DomainError("unavailable", "the gateway has no key to verify tokens"))
    try:
        principal = verifier.verify(token)
    except DomainError as exc:
        return Identity(error=exc)
    if signed_out is not None and await signed_out.contains(principal):
        return Identity(error=DomainError("unauthenticated", "this access token was signed out"))
    return Identity(principal=principal, token=token)

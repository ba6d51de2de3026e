"""The gateway's sign-in use cases: directory checks who people are; the gateway issues the tokens."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from redis.exceptions import RedisError

from gateway.auth.identity import Identity, SignedOutTokens, identify
from gateway.auth.refresh import RefreshTokens
from gateway.auth.throttle import Throttle
from gateway.clients import ServiceClient, ServiceError
from shared.auth import Principal, Role, TokenIssuer, TokenVerifier
from shared.errors import ERROR_STATUS, DomainError


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_in: int
    account: dict[str, Any]
    refresh_token: str | None = None


class AuthService:
    def __init__(
        self,
        *,
        directory: ServiceClient,
        issuer: TokenIssuer | None,
        verifier: TokenVerifier | None,
        refresh_tokens: RefreshTokens,
        signed_out: SignedOutTokens,
        access_ttl_s: int,
        failed_sign_ins: Throttle | None = None,
        reset_requests: Throttle | None = None,
    ) -> None:
        self.directory = directory
        self.issuer = issuer
        self.verifier = verifier
        self.refresh_tokens = refresh_tokens
        self.signed_out = signed_out
        self.access_ttl_s = access_ttl_s
        self.failed_sign_ins = failed_sign_ins
        self.reset_requests = reset_requests

    async def identify(self, authorization: str | None, api_key: str | None = None) -> Identity:
        """The caller of one request: a bearer token, else an agency system's `X-Api-Key`."""
        if not authorization and api_key:
            return await self._identify_key(api_key.strip())
        return await identify(authorization, verifier=self.verifier, signed_out=self.signed_out)

    async def _identify_key(self, key: str) -> Identity:
        # An access token per key, cached in Redis for most of its life: one directory call per key
        # every few minutes rather than per request. Revoking a key takes effect within that time.
        cache = f"{self.refresh_tokens.prefix}:apikey:{hashlib.sha256(key.encode()).hexdigest()}"
        try:
            cached = await self.refresh_tokens.redis.get(cache)
        except RedisError:
            cached = None
        if cached:
            identity = await identify(
                f"Bearer {cached.decode()}", verifier=self.verifier, signed_out=self.signed_out
            )
            if identity.principal is not None:
                return identity
        try:
            tokens = await self.exchange_api_key(key)
        except DomainError as exc:
            return Identity(error=exc)
        with contextlib.suppress(RedisError):
            await self.refresh_tokens.redis.set(cache, tokens.access_token, ex=max(self.access_ttl_s // 3, 1))
        return await identify(
            f"Bearer {tokens.access_token}", verifier=self.verifier, signed_out=self.signed_out
        )

    async def sign_up(self, body: dict[str, Any]) -> Tokens:
        account = await call_service(self.directory.post("/accounts", json=body))
        return await self._session(account)

    async def sign_in(self, email: str, password: str) -> Tokens:
        if self.failed_sign_ins is not None:
            await self.failed_sign_ins.check(email)
        try:
            account = await call_service(
                self.directory.post("/accounts/authenticate", json={"email": email, "password": password})
            )
        except DomainError as exc:
            if exc.code == "invalid_credentials" and self.failed_sign_ins is not None:
                await self.failed_sign_ins.count(email)
            raise
        if self.failed_sign_ins is not None:
            await self.failed_sign_ins.clear(email)
        return await self._session(account)

    async def refresh(self, refresh_token: str) -> Tokens:
        # Roles may have changed since sign-in: read the account afresh (with a one-minute token)
        # *before* spending the refresh token, so a directory outage does not cost the session.
        owner = await self.refresh_tokens.owner(refresh_token)
        probe = self._issuer().access_token(Principal(user_id=owner), ttl=timedelta(minutes=1))
        try:
            account = await call_service(
                self.directory.get("/accounts/me", headers={"Authorization": f"Bearer {probe}"})
            )
        except DomainError as exc:
            if exc.code in ("user_not_found", "unauthenticated"):
                await self.refresh_tokens.revoke(refresh_token)
                raise DomainError("invalid_refresh_token", "this account no longer exists") from None
            raise
        rotation = await self.refresh_tokens.rotate(refresh_token)
        return Tokens(self._access(account), self.access_ttl_s, account, refresh_token=rotation.token)

    async def sign_out(self, refresh_token: str | None, identity: Identity) -> bool:
        revoked = await self.refresh_tokens.revoke(refresh_token) if refresh_token else False
        if identity.principal is not None:
            await self.signed_out.add(identity.principal, ttl_s=self.access_ttl_s)
            revoked = True
        return revoked

    async def request_password_reset(self, email: str) -> None:
        """Past the limit the request is dropped silently: the answer must not differ."""
        if self.reset_requests is not None:
            if await self.reset_requests.exceeded(email):
                return
            await self.reset_requests.count(email)
        await call_service(self.directory.post("/accounts/password-reset", json={"email": email}))

    async def reset_password(self, token: str, password: str) -> uuid.UUID:
        done = await call_service(
            self.directory.post(
                "/accounts/password-reset/confirm", json={"token": token, "password": password}
            )
        )
        user_id = uuid.UUID(done["user_id"])
        # Whoever knew the old password may hold a session: end them all.
        await self.refresh_tokens.revoke_all(user_id)
        return user_id

    async def exchange_api_key(self, key: str) -> Tokens:
        """An agency system's key for a short access token; it asks again when the token expires."""
        account = await call_service(
            self.directory.post("/accounts/api-keys/authenticate", json={"key": key})
        )
        return Tokens(self._access(account), self.access_ttl_s, account)

    async def _session(self, account: dict[str, Any]) -> Tokens:
        access = self._access(account)
        refresh = await self.refresh_tokens.issue(uuid.UUID(account["id"]))
        return Tokens(access, self.access_ttl_s, account, refresh_token=refresh)

    def _access(self, account: dict[str, Any]) -> str:
        principal = Principal(
            user_id=uuid.UUID(account["id"]),
            roles=frozenset(r for r in account["roles"] if r in Role.__members__),
            display_name=account.get("display_name", ""),
            language=account.get("language", "es"),
        )
        return self._issuer().access_token(principal)

    def _issuer(self) -> TokenIssuer:
        if self.issuer is None:
            raise DomainError("unavailable", "sign-in is not configured: the gateway has no signing key")
        return self.issuer


async def call_service(awaitable: Any) -> Any:
    """Directory's expected failures as DomainErrors with the same stable codes."""
    try:
        return await awaitable
    except ServiceError as exc:
        if exc.code in ERROR_STATUS and exc.status < 500:
            raise DomainError(exc.code, exc.message, details=exc.details) from None
        raise

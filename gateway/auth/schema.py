"""Sign-up, sign-in, refresh, sign-out, password reset and API keys in GraphQL."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

import strawberry

from gateway.auth.service import Tokens, call_service
from gateway.auth.types import (
    AccessTokenPayload,
    ApiKey,
    ApiKeyCreated,
    ApiKeyResult,
    AuthPayload,
    ExchangeApiKeyResult,
    GrantRolesResult,
    PasswordResetDone,
    PasswordResetRequested,
    RefreshResult,
    ResetPasswordResult,
    RevokeApiKeyResult,
    SignInResult,
    SignOutPayload,
    SignUpResult,
    Viewer,
    as_error,
)
from gateway.errors import NotFoundError
from gateway.pagination import Connection
from shared.errors import DomainError


@strawberry.enum(description="The language a person reads Consorcia in.")
class Language(Enum):
    ES = "es"
    EN = "en"


@strawberry.input(description="A new account.")
class SignUpInput:
    email: str
    password: str = strawberry.field(description="At least 10 characters.")
    display_name: str
    language: Language = Language.ES


def _session(tokens: Tokens) -> AuthPayload:
    assert tokens.refresh_token is not None
    return AuthPayload(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        viewer=Viewer.from_row(tokens.account),
    )


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in person; null for anonymous callers.")
    async def me(self, info: strawberry.Info) -> Viewer | None:
        if info.context.identity.principal is None:
            return None
        return Viewer.from_row(await call_service(info.context.clients.directory.get("/accounts/me")))

    @strawberry.field(description="The caller's API keys (agency officers), without their secrets.")
    async def api_keys(self, info: strawberry.Info) -> Connection[ApiKey]:
        if info.context.identity.principal is None:
            return Connection.of([], [], None)
        rows: list[dict[str, Any]] = await call_service(
            info.context.clients.directory.get("/accounts/api-keys")
        )
        return Connection.of([ApiKey.from_row(r) for r in rows], [r["id"] for r in rows], None)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create an account and sign in.")
    async def sign_up(self, info: strawberry.Info, input: SignUpInput) -> SignUpResult:
        body = {"email": input.email, "password": input.password, "display_name": input.display_name}
        try:
            return _session(await info.context.auth.sign_up(body | {"language": input.language.value}))
        except DomainError as exc:
            return as_error(exc)

    @strawberry.mutation(description="Sign in with e-mail and password.")
    async def sign_in(self, info: strawberry.Info, email: str, password: str) -> SignInResult:
        try:
            return _session(await info.context.auth.sign_in(email, password))
        except DomainError as exc:
            return as_error(exc, signing_in=True)

    @strawberry.mutation(description="Trade a refresh token for a new access token and a new refresh token.")
    async def refresh_token(self, info: strawberry.Info, refresh_token: str) -> RefreshResult:
        try:
            return _session(await info.context.auth.refresh(refresh_token))
        except DomainError as exc:
            return as_error(exc, signing_in=True)

    @strawberry.mutation(
        description="End this session: the refresh token family and the access token stop working."
    )
    async def sign_out(self, info: strawberry.Info, refresh_token: str | None = None) -> SignOutPayload:
        return SignOutPayload(revoked=await info.context.auth.sign_out(refresh_token, info.context.identity))

    @strawberry.mutation(description="E-mail a single-use password reset link.")
    async def request_password_reset(self, info: strawberry.Info, email: str) -> PasswordResetRequested:
        await info.context.auth.request_password_reset(email)
        return PasswordResetRequested(accepted=True)

    @strawberry.mutation(description="Set a new password with the token from the reset e-mail.")
    async def reset_password(
        self, info: strawberry.Info, token: str, new_password: str
    ) -> ResetPasswordResult:
        try:
            return PasswordResetDone(
                user_id=strawberry.ID(str(await info.context.auth.reset_password(token, new_password)))
            )
        except DomainError as exc:
            return as_error(exc)

    @strawberry.mutation(description="A new API key for an agency's own systems (agency officers).")
    async def create_api_key(self, info: strawberry.Info, name: str) -> ApiKeyResult:
        try:
            row = await call_service(
                info.context.clients.directory.post("/accounts/api-keys", json={"name": name})
            )
        except DomainError as exc:
            return as_error(exc)
        return ApiKeyCreated(api_key=ApiKey.from_row(row), secret=row["key"])

    @strawberry.mutation(description="Revoke one of the caller's API keys.")
    async def revoke_api_key(self, info: strawberry.Info, id: strawberry.ID) -> RevokeApiKeyResult:
        try:
            key_id = uuid.UUID(str(id))
        except ValueError:
            return NotFoundError(code="not_found", message=f"API key {id} does not exist", id=id)
        try:
            return ApiKey.from_row(
                await call_service(
                    info.context.clients.directory.request("DELETE", f"/accounts/api-keys/{key_id}")
                )
            )
        except DomainError as exc:
            return as_error(exc)

    @strawberry.mutation(description="Exchange an API key for a short-lived access token.")
    async def exchange_api_key(self, info: strawberry.Info, key: str) -> ExchangeApiKeyResult:
        try:
            tokens = await info.context.auth.exchange_api_key(key)
        except DomainError as exc:
            return as_error(exc, signing_in=True)
        return AccessTokenPayload(
            access_token=tokens.access_token,
            expires_in=tokens.expires_in,
            viewer=Viewer.from_row(tokens.account),
        )

    @strawberry.mutation(
        description="Set a person's roles (administrators); agency officers need their agency."
    )
    async def grant_roles(
        self,
        info: strawberry.Info,
        user_id: strawberry.ID,
        roles: list[str],
        agency_id: strawberry.ID | None = None,
    ) -> GrantRolesResult:
        body = {"roles": roles, "agency_id": str(agency_id) if agency_id else None}
        try:
            return Viewer.from_row(
                await call_service(
                    info.context.clients.directory.request("PUT", f"/accounts/{user_id}/roles", json=body)
                )
            )
        except DomainError as exc:
            return as_error(exc)

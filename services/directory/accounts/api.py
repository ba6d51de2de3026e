"""Accounts' REST API: sign-up, authentication (for the gateway), own account, roles, resets, API keys."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from services.directory.accounts import api_keys, recovery, service
from services.directory.accounts.schemas import (
    AccountOut,
    AccountUpdateIn,
    ApiKeyCreatedOut,
    ApiKeyExchangeIn,
    ApiKeyIn,
    ApiKeyOut,
    CredentialsIn,
    PasswordResetConfirmIn,
    PasswordResetDone,
    PasswordResetIn,
    RolesIn,
    SignUpIn,
)
from shared.app import Session
from shared.auth import CurrentUser

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AccountOut, summary="Sign up")
async def sign_up(body: SignUpIn, session: Session) -> AccountOut:
    user = await service.sign_up(body, session=session)
    return await service.account_view(user, session=session)


@router.post(
    "/authenticate",
    response_model=AccountOut,
    summary="Check an e-mail and password (the gateway's sign-in); `invalid_credentials` otherwise",
)
async def authenticate(body: CredentialsIn, session: Session) -> AccountOut:
    user = await service.authenticate(body.email, body.password, session=session)
    return await service.account_view(user, session=session)


@router.get(
    "/me", response_model=AccountOut, summary="The signed-in person's account, roles and organizations"
)
async def me(principal: CurrentUser, session: Session) -> AccountOut:
    user = await service.get_user(principal.user_id, session=session)
    return await service.account_view(user, session=session)


@router.patch("/me", response_model=AccountOut, summary="Change one's display name, language or phone")
async def update_me(body: AccountUpdateIn, principal: CurrentUser, session: Session) -> AccountOut:
    user = await service.update_account(principal.user_id, body, session=session)
    return await service.account_view(user, session=session)


@router.put("/{user_id}/roles", response_model=AccountOut, summary="Set a person's roles (administrators)")
async def grant_roles(
    user_id: uuid.UUID, body: RolesIn, principal: CurrentUser, session: Session
) -> AccountOut:
    user = await service.grant_roles(
        user_id, body.roles, agency_id=body.agency_id, session=session, by=principal
    )
    return await service.account_view(user, session=session)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="E-mail a reset link; the same answer whether or not the address has an account",
)
async def request_password_reset(body: PasswordResetIn, request: Request, session: Session) -> dict[str, str]:
    settings = request.app.state.runtime.settings
    await recovery.request_password_reset(
        body.email,
        session=session,
        reset_url=settings.password_reset_url,
        ttl_s=settings.password_reset_ttl_s,
    )
    return {"status": "accepted"}


@router.post(
    "/password-reset/confirm",
    response_model=PasswordResetDone,
    summary="Set a new password with a reset token",
)
async def reset_password(body: PasswordResetConfirmIn, session: Session) -> PasswordResetDone:
    return PasswordResetDone(
        user_id=await recovery.reset_password(body.token, body.password, session=session)
    )


@router.post(
    "/api-keys", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreatedOut, summary="New API key"
)
async def create_api_key(body: ApiKeyIn, principal: CurrentUser, session: Session) -> ApiKeyCreatedOut:
    key, secret = await api_keys.create_api_key(body.name, session=session, by=principal)
    return ApiKeyCreatedOut(**ApiKeyOut.model_validate(key).model_dump(), key=secret)


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="The caller's API keys (without secrets)")
async def list_api_keys(principal: CurrentUser, session: Session) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in await api_keys.list_api_keys(session=session, by=principal)]


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut, summary="Revoke an API key")
async def revoke_api_key(key_id: uuid.UUID, principal: CurrentUser, session: Session) -> ApiKeyOut:
    return ApiKeyOut.model_validate(await api_keys.revoke_api_key(key_id, session=session, by=principal))


@router.post(
    "/api-keys/authenticate",
    response_model=AccountOut,
    summary="The officer an API key acts for (the gateway exchanges keys for access tokens)",
)
async def authenticate_api_key(body: ApiKeyExchangeIn, session: Session) -> AccountOut:
    user = await api_keys.authenticate_api_key(body.key, session=session)
    return await service.account_view(user, session=session)

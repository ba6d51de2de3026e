"""Sign-up, sign-in, refresh rotation with reuse detection, sign-out, resets and API keys via GraphQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import select

from gateway.auth.wiring import build_auth
from gateway.clients import ServiceClients
from gateway.config import GatewaySettings
from services.directory.accounts.models import User
from services.directory.accounts.recovery import request_password_reset
from services.directory.accounts.service import grant_roles
from shared.auth import Principal, TokenIssuer, TokenVerifier, generate_keypair
from tests.gateway.auth_system import GraphQL, directory_and_gateway
from tests.infra import free_port

SESSION = "... on AuthPayload { accessToken refreshToken expiresIn viewer { id email roles } }"
FAILURE = "... on Error { __typename code message }"
SIGN_UP = f"""mutation($email: String!, $password: String!) {{
  signUp(input: {{email: $email, password: $password, displayName: "Ana", language: EN}}) {{ {SESSION} {FAILURE} }}
}}"""
SIGN_IN = (
    f"mutation($e: String!, $p: String!) {{ signIn(email: $e, password: $p) {{ {SESSION} {FAILURE} }} }}"
)
REFRESH = f"mutation($t: String!) {{ refreshToken(refreshToken: $t) {{ {SESSION} {FAILURE} }} }}"
SIGN_OUT = "mutation($t: String) { signOut(refreshToken: $t) { revoked } }"
ME = "{ me { id email displayName language roles } }"
PASSWORD = "correct horse battery"


@pytest.fixture
async def api(tmp_path, nats_server, redis_server, namespace, signing_keys) -> AsyncIterator[GraphQL]:  # type: ignore[no-untyped-def]
    async with directory_and_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys
    ) as (
        client,
        directory,
    ):
        gql = GraphQL(client)
        gql.directory = directory  # type: ignore[attr-defined]
        yield gql


async def signed_up(api: GraphQL, email: str | None = None) -> dict:
    email = email or f"{uuid.uuid4().hex[:8]}@example.org"
    return (await api(SIGN_UP, email=email, password=PASSWORD))["signUp"]


async def test_sign_up_signs_in_and_the_access_token_opens_me(api, signing_keys):
    session = await signed_up(api, "ana@example.org")
    assert session["viewer"]["email"] == "ana@example.org" and session["expiresIn"] == 900
    principal = TokenVerifier(signing_keys.public).verify(session["accessToken"])
    assert str(principal.user_id) == session["viewer"]["id"] and "member" in principal.roles
    me = (await api(ME, token=session["accessToken"]))["me"]
    assert me["email"] == "ana@example.org" and me["language"] == "en"
    assert (await api(ME))["me"] is None


async def test_sign_up_failures_are_typed(api):
    await signed_up(api, "taken@example.org")
    taken = (await api(SIGN_UP, email="taken@example.org", password=PASSWORD))["signUp"]
    assert (taken["__typename"], taken["code"]) == ("ConflictError", "email_taken")
    bad = (await api(SIGN_UP, email="nope", password=PASSWORD))["signUp"]
    assert (bad["__typename"], bad["code"]) == ("ValidationError", "invalid_email")
    weak = (await api(SIGN_UP, email="w@example.org", password="short"))["signUp"]
    assert weak["code"] == "weak_password"


async def test_sign_in_checks_the_password(api):
    await signed_up(api, "li@example.org")
    ok = (await api(SIGN_IN, e="li@example.org", p=PASSWORD))["signIn"]
    assert ok["viewer"]["email"] == "li@example.org"
    for email, password in (("li@example.org", "wrong password"), ("nobody@example.org", PASSWORD)):
        failed = (await api(SIGN_IN, e=email, p=password))["signIn"]
        assert (failed["__typename"], failed["code"]) == ("AuthenticationError", "invalid_credentials")


async def test_refresh_rotates_and_reusing_an_old_token_revokes_the_family(api):
    first = await signed_up(api)
    second = (await api(REFRESH, t=first["refreshToken"]))["refreshToken"]
    assert second["refreshToken"] != first["refreshToken"] and second["accessToken"]
    third = (await api(REFRESH, t=second["refreshToken"]))["refreshToken"]
    assert third["viewer"]["id"] == first["viewer"]["id"]
    # The first token was already spent: someone copied it. Every token of the family dies.
    reused = (await api(REFRESH, t=first["refreshToken"]))["refreshToken"]
    assert (reused["__typename"], reused["code"]) == ("AuthenticationError", "refresh_token_reused")
    after = (await api(REFRESH, t=third["refreshToken"]))["refreshToken"]
    assert after["code"] == "invalid_refresh_token"


async def test_other_sessions_survive_a_reuse_in_one_family(api):
    account = await signed_up(api, "two@example.org")
    laptop = (await api(SIGN_IN, e="two@example.org", p=PASSWORD))["signIn"]
    await api(REFRESH, t=account["refreshToken"])
    await api(REFRESH, t=account["refreshToken"])  # reuse: this family is gone
    assert (await api(REFRESH, t=laptop["refreshToken"]))["refreshToken"]["accessToken"]


async def test_refresh_picks_up_new_roles(api):
    session = await signed_up(api)
    async with api.directory.state.runtime.session() as db:  # type: ignore[attr-defined]
        await grant_roles(uuid.UUID(session["viewer"]["id"]), ["advisor"], session=db, by=None)
    refreshed = (await api(REFRESH, t=session["refreshToken"]))["refreshToken"]
    assert refreshed["viewer"]["roles"] == ["advisor", "member"]


async def test_garbage_refresh_tokens_are_refused(api):
    for token in ("", "abc", f"{uuid.uuid4().hex}.forged"):
        refused = (await api(REFRESH, t=token))["refreshToken"]
        assert refused["code"] == "invalid_refresh_token"


async def test_sign_out_ends_the_refresh_family_and_the_access_token(api):
    session = await signed_up(api)
    out = (await api(SIGN_OUT, token=session["accessToken"], t=session["refreshToken"]))["signOut"]
    assert out["revoked"] is True
    assert (await api(REFRESH, t=session["refreshToken"]))["refreshToken"]["code"] == "invalid_refresh_token"
    assert (await api(ME, token=session["accessToken"]))["me"] is None
    assert (await api(SIGN_OUT, t=session["refreshToken"]))["signOut"]["revoked"] is False


async def test_a_forged_or_expired_token_is_never_forwarded(api, signing_keys):
    session = await signed_up(api)
    stranger = TokenIssuer(generate_keypair()[0]).access_token(
        Principal(user_id=uuid.UUID(session["viewer"]["id"]))
    )
    assert (await api(ME, token=stranger))["me"] is None
    expired = signing_keys.issuer.access_token(
        Principal(user_id=uuid.UUID(session["viewer"]["id"])), ttl=timedelta(minutes=-5)
    )
    assert (await api(ME, token=expired))["me"] is None


async def test_password_reset_sets_a_new_password_once_and_signs_everyone_out(api):
    session = await signed_up(api, "reset@example.org")
    requested = await api('mutation { requestPasswordReset(email: "reset@example.org") { accepted } }')
    assert requested["requestPasswordReset"]["accepted"] is True
    unknown = await api('mutation { requestPasswordReset(email: "ghost@example.org") { accepted } }')
    assert unknown["requestPasswordReset"]["accepted"] is True
    async with api.directory.state.runtime.session() as db:  # type: ignore[attr-defined]
        token = await request_password_reset("reset@example.org", session=db, reset_url="x?t=", ttl_s=60)
        assert (await db.execute(select(User.email))).scalars().all() == ["reset@example.org"]
    reset = (
        "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { ... on PasswordResetDone { userId } "
        + FAILURE
        + " } }"
    )
    done = (await api(reset, t=token, p="a brand new secret"))["resetPassword"]
    assert done["userId"] == session["viewer"]["id"]
    again = (await api(reset, t=token, p="another new secret"))["resetPassword"]
    assert (again["__typename"], again["code"]) == ("ValidationError", "invalid_reset_token")
    assert (await api(REFRESH, t=session["refreshToken"]))["refreshToken"]["code"] == "invalid_refresh_token"
    assert (await api(SIGN_IN, e="reset@example.org", p=PASSWORD))["signIn"]["code"] == "invalid_credentials"
    assert (await api(SIGN_IN, e="reset@example.org", p="a brand new secret"))["signIn"]["accessToken"]


async def test_agency_officers_create_api_keys_that_exchange_for_access_tokens(api):
    member = await signed_up(api)
    create = (
        'mutation { createApiKey(name: "CRM") { ... on ApiKeyCreated { secret apiKey { id prefix } } '
        + FAILURE
        + " } }"
    )
    refused = (await api(create, token=member["accessToken"]))["createApiKey"]
    assert (refused["__typename"], refused["code"]) == ("PermissionError", "forbidden")
    anonymous = (await api(create))["createApiKey"]
    assert anonymous["code"] == "unauthenticated"

    officer = await signed_up(api)
    async with api.directory.state.runtime.session() as db:  # type: ignore[attr-defined]
        await grant_roles(uuid.UUID(officer["viewer"]["id"]), ["admin"], session=db, by=None)
    officer = (await api(REFRESH, t=officer["refreshToken"]))["refreshToken"]
    created = (await api(create, token=officer["accessToken"]))["createApiKey"]
    assert created["secret"].startswith(created["apiKey"]["prefix"])

    exchange = (
        "mutation($k: String!) { exchangeApiKey(key: $k) { ... on AccessTokenPayload { accessToken viewer { id } } "
        + FAILURE
        + " } }"
    )
    exchanged = (await api(exchange, k=created["secret"]))["exchangeApiKey"]
    assert exchanged["viewer"]["id"] == officer["viewer"]["id"]
    assert (await api(ME, token=exchanged["accessToken"]))["me"]["id"] == officer["viewer"]["id"]
    api_key_me = await api.client.post(
        "/graphql", json={"query": ME}, headers={"X-Api-Key": created["secret"]}
    )
    assert api_key_me.json()["data"]["me"]["id"] == officer["viewer"]["id"]
    wrong_key = await api.client.post(
        "/graphql", json={"query": ME}, headers={"X-Api-Key": "csk_not-a-key-at-all"}
    )
    assert wrong_key.json()["data"]["me"] is None
    revoke = "mutation($id: ID!) { revokeApiKey(id: $id) { ... on ApiKey { revokedAt } " + FAILURE + " } }"
    assert (await api(revoke, token=officer["accessToken"], id=created["apiKey"]["id"]))["revokeApiKey"][
        "revokedAt"
    ]
    assert (await api(exchange, k=created["secret"]))["exchangeApiKey"]["code"] == "invalid_api_key"


async def test_repeated_wrong_passwords_lock_the_address_for_a_while(
    tmp_path, nats_server, redis_server, namespace, signing_keys
):
    async with directory_and_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys, sign_in_failures_per_window=3
    ) as (client, _):
        api = GraphQL(client)
        await signed_up(api, "guess@example.org")
        for _ in range(3):
            assert (await api(SIGN_IN, e="GUESS@example.org", p="wrong password"))["signIn"][
                "code"
            ] == "invalid_credentials"
        locked = (await api(SIGN_IN, e="guess@example.org", p=PASSWORD))["signIn"]
        assert (locked["__typename"], locked["code"]) == ("AuthenticationError", "rate_limited")
        other = await signed_up(api, "other@example.org")
        assert (await api(SIGN_IN, e="other@example.org", p=PASSWORD))["signIn"]["viewer"]["id"] == other[
            "viewer"
        ]["id"]


async def test_a_refresh_while_directory_is_down_does_not_spend_the_token(
    redis_server, namespace, signing_keys
):
    # A gateway whose directory is unreachable: the refresh fails, and the same token still works later.
    settings = GatewaySettings(
        redis_url=redis_server.url,
        namespace=namespace,
        jwt_private_key=signing_keys.private,
        directory_url=f"http://127.0.0.1:{free_port()}",
        service_timeout_s=0.5,
    )
    redis = aioredis.from_url(settings.redis_url)
    auth = build_auth(settings, ServiceClients(settings), redis, None)
    token = await auth.refresh_tokens.issue(uuid.uuid4())
    with pytest.raises(httpx.HTTPError):
        await auth.refresh(token)
    assert (await auth.refresh_tokens.rotate(token)).token != token
    await redis.aclose()

"""A client signs up, signs in, refreshes and signs out through the running gateway."""

from __future__ import annotations

import uuid

import httpx

SESSION = "... on AuthPayload { accessToken refreshToken expiresIn viewer { id email roles } } ... on Error { code }"


async def _gql(client: httpx.AsyncClient, url: str, query: str, token: str | None = None, **variables):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_sign_up_sign_in_refresh_and_sign_out(system):
    email, password = f"e2e-{uuid.uuid4().hex[:8]}@example.org", "a long enough secret"
    async with httpx.AsyncClient(timeout=10) as client:
        gql = lambda query, token=None, **v: _gql(client, system.graphql, query, token, **v)  # noqa: E731
        signed_up = (
            await gql(
                f'mutation($e: String!, $p: String!) {{ signUp(input: {{email: $e, password: $p, displayName: "Rosa"}}) {{ {SESSION} }} }}',
                e=email,
                p=password,
            )
        )["signUp"]
        assert signed_up["viewer"]["email"] == email and signed_up["viewer"]["roles"] == ["member"]

        signed_in = (
            await gql(
                f"mutation($e: String!, $p: String!) {{ signIn(email: $e, password: $p) {{ {SESSION} }} }}",
                e=email,
                p=password,
            )
        )["signIn"]
        me = (await gql("{ me { id email } }", signed_in["accessToken"]))["me"]
        assert me == {"id": signed_up["viewer"]["id"], "email": email}

        # Directory trusts the token the gateway forwards: the signed-in person registers an organization.
        register = """mutation($name: String!) { registerOrganization(input: {kind: SME, name: $name, country: "CR"}) {
            __typename ... on Error { code } } }"""
        registered = await gql(register, signed_in["accessToken"], name=f"Finca {uuid.uuid4().hex[:6]}")
        assert registered["registerOrganization"]["__typename"] == "RegisterOrganizationSuccess", registered

        refresh = f"mutation($t: String!) {{ refreshToken(refreshToken: $t) {{ {SESSION} }} }}"
        refreshed = (await gql(refresh, t=signed_in["refreshToken"]))["refreshToken"]
        assert refreshed["accessToken"] and refreshed["refreshToken"] != signed_in["refreshToken"]
        assert (await gql(refresh, t=signed_in["refreshToken"]))["refreshToken"][
            "code"
        ] == "refresh_token_reused"
        assert (await gql(refresh, t=refreshed["refreshToken"]))["refreshToken"][
            "code"
        ] == "invalid_refresh_token"

        session = (
            await gql(
                f"mutation($e: String!, $p: String!) {{ signIn(email: $e, password: $p) {{ {SESSION} }} }}",
                e=email,
                p=password,
            )
        )["signIn"]
        out = await gql(
            "mutation($t: String) { signOut(refreshToken: $t) { revoked } }",
            session["accessToken"],
            t=session["refreshToken"],
        )
        assert out["signOut"]["revoked"] is True
        assert (await gql("{ me { id } }", session["accessToken"]))["me"] is None
        assert (await gql(refresh, t=session["refreshToken"]))["refreshToken"][
            "code"
        ] == "invalid_refresh_token"

"""The graphql-transport-ws handshake: who is on the other end, decided once at connection_init.

The token travels in the init payload, as `{"Authorization": "Bearer <jwt>"}` or `{"token": "<jwt>"}`
(browsers cannot set headers on a WebSocket). A connection without a token is anonymous and may
use public subscriptions only; a token that does not verify closes the socket (4403) rather than
downgrading silently to anonymous.
"""

from __future__ import annotations

from typing import Any

from strawberry.exceptions import ConnectionRejectionError

from shared.auth import Principal, TokenVerifier
from shared.errors import DomainError


def token_from(payload: dict[str, Any]) -> str | None:
    for key in ("Authorization", "authorization"):
        value = payload.get(key)
        if isinstance(value, str):
            scheme, _, token = value.partition(" ")
            return (token if scheme.lower() == "bearer" else value).strip() or None
    value = payload.get("token")
    return value.strip() or None if isinstance(value, str) else None


def _reject(error: DomainError) -> ConnectionRejectionError:
    return ConnectionRejectionError({"code": error.code, "message": error.message})


async def authenticate(context: Any, verifier: TokenVerifier | None) -> Principal | None:
    """Verify the init payload's token and make the connection's context act for that caller."""
    token = token_from(context.connection_params or {})
    if token is None:
        return None
    auth = getattr(context, "auth", None)
    if auth is not None:
        # The gateway's sign-in (gateway/auth/) also knows signed-out tokens, and the context
        # forwards only a verified token to the services.
        identity = await auth.identify(f"Bearer {token}")
        if identity.principal is None:
            raise _reject(identity.error or DomainError("unauthenticated", "the access token is not valid"))
        context.identity = identity
        context.clients = context.clients.with_headers(identity.forward_headers())
        return identity.principal
    if verifier is None:
        raise _reject(DomainError("unavailable", "the gateway has no key to verify tokens"))
    try:
        return verifier.verify(token)
    except DomainError as exc:
        raise _reject(exc) from None

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


def authenticate(payload: dict[str, Any], verifier: TokenVerifier | None) -> Principal | None:
    token = token_from(payload)
    if token is None:
        return None
    if verifier is None:
        raise ConnectionRejectionError({"code": "unauthenticated", "message": "no key to verify tokens"})
    try:
        return verifier.verify(token)
    except DomainError as exc:
        raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from None

"""Identity: Ed25519-signed JWT access tokens, issued by the gateway and verified by every service.

Services hold only the public key, so a compromised service cannot mint tokens. Object-level rules
(who manages which organization, who belongs to which consortium) are each service's own business,
checked against its own data; the token says only who the caller is and which roles they hold.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from pydantic import BaseModel

from shared.errors import DomainError

ALGORITHM = "EdDSA"
ISSUER = "consorcia"
AUDIENCE = "consorcia"


class Role(StrEnum):
    member = "member"
    consortium_manager = "consortium_manager"
    agency_officer = "agency_officer"
    advisor = "advisor"
    moderator = "moderator"
    admin = "admin"


class Principal(BaseModel):
    user_id: uuid.UUID
    roles: frozenset[str] = frozenset()
    display_name: str = ""
    language: str = "es"
    token_id: str | None = None

    def has_any(self, *roles: Role | str) -> bool:
        return bool(self.roles & {str(r) for r in roles}) or Role.admin in self.roles

    def require(self, *roles: Role | str) -> None:
        if not self.has_any(*roles):
            raise DomainError("forbidden", f"this needs one of the roles: {', '.join(map(str, roles))}")


def generate_keypair() -> tuple[str, str]:
    """A new (private PEM, public PEM) pair."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def read_key(pem: str | None, path: Path | str | None) -> str | None:
    if pem:
        return pem.replace("\\n", "\n")
    if path:
        return Path(path).read_text()
    return None


class TokenIssuer:
    def __init__(self, private_key_pem: str, *, ttl: timedelta = timedelta(minutes=15)) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self.ttl = ttl

    def access_token(self, principal: Principal, *, ttl: timedelta | None = None) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(principal.user_id),
            "roles": sorted(principal.roles),
            "name": principal.display_name,
            "lang": principal.language,
            "iat": now,
            "nbf": now,
            "exp": now + (ttl or self.ttl),
            "jti": uuid.uuid4().hex,
            "typ": "access",
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)


class TokenVerifier:
    def __init__(self, public_key_pem: str) -> None:
        self._key = serialization.load_pem_public_key(public_key_pem.encode())

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
                leeway=10,
            )
        except jwt.ExpiredSignatureError:
            raise DomainError("unauthenticated", "the access token has expired; refresh it") from None
        except jwt.PyJWTError:
            raise DomainError("unauthenticated", "the access token is not valid") from None
        if claims.get("typ") != "access":
            raise DomainError("unauthenticated", "this is not an access token")
        return Principal(
            user_id=uuid.UUID(claims["sub"]),
            roles=frozenset(claims.get("roles", [])),
            display_name=claims.get("name", ""),
            language=claims.get("lang", "es"),
            token_id=claims.get("jti"),
        )


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def optional_principal(request: Request) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: TokenVerifier | None = getattr(request.app.state, "verifier", None)
    if verifier is None:
        raise DomainError("unauthenticated", "this service has no public key configured to verify tokens")
    return verifier.verify(token)


async def required_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise DomainError("unauthenticated", "sign in first: this needs an access token")
    return principal


CurrentUser = Annotated[Principal, Depends(required_principal)]
MaybeUser = Annotated[Principal | None, Depends(optional_principal)]

"""The gateway's signing key: it signs access tokens, and verifies them with the matching public key."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives import serialization

from gateway.config import GatewaySettings
from shared.auth import TokenIssuer, TokenVerifier, read_key


def public_from_private(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_issuer(settings: GatewaySettings) -> TokenIssuer | None:
    private = read_key(settings.jwt_private_key, settings.jwt_private_key_file)
    if not private:
        return None
    return TokenIssuer(private, ttl=timedelta(seconds=settings.access_token_ttl_s))


def load_verifier(settings: GatewaySettings) -> TokenVerifier | None:
    """The configured public key; without one, the public half of the private key."""
    public = read_key(settings.jwt_public_key, settings.jwt_public_key_file)
    if not public:
        private = read_key(settings.jwt_private_key, settings.jwt_private_key_file)
        public = public_from_private(private) if private else None
    return TokenVerifier(public) if public else None

"""Assemble the gateway's sign-in from its settings, its Redis and its service clients."""

from __future__ import annotations

import redis.asyncio as aioredis

from gateway.auth.identity import SignedOutTokens
from gateway.auth.keys import load_issuer
from gateway.auth.refresh import RefreshTokens
from gateway.auth.service import AuthService
from gateway.auth.throttle import Throttle
from gateway.clients import ServiceClients
from gateway.config import GatewaySettings
from shared.auth import TokenVerifier


def build_auth(
    settings: GatewaySettings, clients: ServiceClients, redis: aioredis.Redis, verifier: TokenVerifier | None
) -> AuthService:
    return AuthService(
        directory=clients.directory,
        issuer=load_issuer(settings),
        verifier=verifier,
        refresh_tokens=RefreshTokens(redis, ttl_s=settings.refresh_token_ttl_s, namespace=settings.namespace),
        signed_out=SignedOutTokens(redis, namespace=settings.namespace),
        access_ttl_s=settings.access_token_ttl_s,
        failed_sign_ins=Throttle(
            redis,
            namespace=settings.namespace,
            name="failed-sign-in",
            limit=settings.sign_in_failures_per_window,
            window_s=settings.sign_in_failure_window_s,
        ),
        reset_requests=Throttle(
            redis,
            namespace=settings.namespace,
            name="reset",
            limit=settings.password_resets_per_hour,
            window_s=3600,
        ),
    )

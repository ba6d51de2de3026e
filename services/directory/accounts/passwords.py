"""argon2id password hashing, off the event loop (one hash costs tens of milliseconds of CPU)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shared.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 1024


def _make_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, t=3, p=4).

    The test suite alone sets CONSORCIA_ARGON2_PROFILE=fast-insecure-tests: hundreds of sign-ups
    would otherwise cost minutes of CPU. Hashes made that way are upgraded at the next sign-in.
    """
    if os.environ.get("CONSORCIA_ARGON2_PROFILE") == "fast-insecure-tests":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


_hasher = _make_hasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(
            "weak_password",
            f"a password needs at least {MIN_LENGTH} characters",
            details={"field": "password"},
        )
    if len(set(password)) < 4:
        raise DomainError(
            "weak_password", "this password repeats too few characters", details={"field": "password"}
        )


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


@lru_cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists: an unknown e-mail still pays for one verify."""
    target = stored_hash or _dummy_hash()

    def _verify() -> bool:
        try:
            return _hasher.verify(target, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    ok = await asyncio.to_thread(_verify)
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (reset token, API key): enough, unlike for passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()

"""Sending one webhook: Standard Webhooks signing over a guarded HTTP client.

The client never follows redirects (a 3xx is a failed attempt: a redirect could point anywhere),
ignores proxy variables (a proxy would connect on our behalf, past the guard), and opens every
connection through ``GuardedBackend``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from services.notifications.webhooks.guard import WebhookTargetForbidden, check_address, checked_addresses
from shared.errors import DomainError

SECRET_PREFIX = "whsec_"
USER_AGENT = "Consorcia-Webhooks/1.0"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves once, connects to an address that passed the guard, and checks the peer it got."""

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]  # noqa: ASYNC109
        addresses = await checked_addresses(host, port, allow_private=self._allow_private)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            if not self._allow_private:
                peer = stream.get_extra_info("server_addr")
                try:
                    check_address(host, peer[0])
                except WebhookTargetForbidden:
                    await stream.aclose()
                    raise
            return stream
        raise last or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, *, allow_private: bool, max_connections: int) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=GuardedBackend(allow_private=allow_private),
        )


def guarded_client(*, allow_private: bool, timeout_s: float, max_connections: int = 100) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=_GuardedTransport(allow_private=allow_private, max_connections=max_connections),
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": USER_AGENT},
    )


@dataclass
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    gone: bool = False  # 410: the receiver says stop
    forbidden: bool = False
    duration_ms: float = 0.0


def body_of(event_type: str, data: dict[str, Any], created_at: datetime) -> bytes:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    envelope = {"type": event_type, "timestamp": created_at.astimezone(UTC).isoformat(), "data": data}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


async def send(
    client: httpx.AsyncClient, *, url: str, secret: str, message_id: str, body: bytes
) -> Outcome:
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    started = time.perf_counter()
    try:
        response = await client.post(url, content=body, headers=headers)
    except DomainError as exc:  # the guard refused the target (or its name does not resolve)
        forbidden = exc.code == "webhook_target_forbidden"
        return Outcome(False, error=f"{exc.code}: {exc.message}", forbidden=forbidden, duration_ms=_ms(started))
    except httpx.TimeoutException:
        return Outcome(False, error="timeout", duration_ms=_ms(started))
    except httpx.HTTPError as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    duration = _ms(started)
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(True, code, duration_ms=duration)
    error = "redirect not followed" if 300 <= code < 400 else f"HTTP {code}"
    return Outcome(
        False, code, error=error, retry_after_s=retry_after(response.headers.get("retry-after")),
        gone=code == 410, duration_ms=duration,
    )


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)

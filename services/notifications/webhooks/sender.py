"""Sending one webhook: Standard Webhooks signing over the guarded HTTP client (http11.py).

Redirects are never followed (a 3xx is a failed attempt: a redirect could point anywhere) and no
proxy is used (a proxy would connect on our behalf, past the guard).
"""

from __future__ import annotations

import asyncio
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

from services.notifications.webhooks.http11 import ProtocolError, WebhookHttpClient
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


def webhook_client(*, allow_private: bool, timeout_s: float) -> WebhookHttpClient:
    return WebhookHttpClient(allow_private=allow_private, timeout_s=timeout_s, user_agent=USER_AGENT)


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


async def send(client: WebhookHttpClient, *, url: str, secret: str, message_id: str, body: bytes) -> Outcome:
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    started = time.perf_counter()
    try:
        response = await client.post(url, body, headers)
    except DomainError as exc:  # the guard refused the target (or its name does not resolve)
        forbidden = exc.code == "webhook_target_forbidden"
        return Outcome(
            False, error=f"{exc.code}: {exc.message}", forbidden=forbidden, duration_ms=_ms(started)
        )
    except TimeoutError:
        return Outcome(False, error="timeout", duration_ms=_ms(started))
    except (OSError, asyncio.IncompleteReadError, ProtocolError, ValueError) as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    duration = _ms(started)
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(True, code, duration_ms=duration)
    error = "redirect not followed" if 300 <= code < 400 else f"HTTP {code}"
    return Outcome(
        False,
        code,
        error=error,
        retry_after_s=retry_after(response.headers.get("retry-after")),
        gone=code == 410,
        duration_ms=duration,
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

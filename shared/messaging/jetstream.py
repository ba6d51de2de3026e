"""Connecting to NATS and declaring the streams.

One stream per owning service (``DIRECTORY`` holds ``directory.>``), file storage, a duplicate window
for ``Nats-Msg-Id`` dedupe, no age limit (matching rebuilds its read model by replaying directory's
stream). One ``DEADLETTER`` stream keeps what no handler could apply, with the reason in its headers.
"""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from shared.config import InfrastructureSettings

log = logging.getLogger(__name__)
DEAD_LETTER = "deadletter"


async def connect(settings: InfrastructureSettings, *, name: str) -> NATS:
    """A connection that reconnects forever: a broker restart must never need a service restart."""

    async def _error(exc: Exception) -> None:
        # Each failed reconnect attempt lands here; "disconnected" already said the broker is away.
        level = logging.DEBUG if isinstance(exc, OSError) else logging.WARNING
        log.log(level, "nats error", extra={"error": repr(exc)})

    async def _disconnected() -> None:
        log.warning("nats disconnected")

    async def _reconnected() -> None:
        log.info("nats reconnected")

    return await nats.connect(
        settings.nats_url,
        name=name,
        connect_timeout=2,
        reconnect_time_wait=0.5,
        max_reconnect_attempts=-1,
        error_cb=_error,
        disconnected_cb=_disconnected,
        reconnected_cb=_reconnected,
    )


def stream_config(
    settings: InfrastructureSettings, owner: str, *, duplicate_window_s: float = 120.0
) -> StreamConfig:
    return StreamConfig(
        name=settings.stream_name(owner),
        subjects=[settings.subject(f"{owner}.>")],
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        duplicate_window=duplicate_window_s,
        num_replicas=settings.stream_replicas,
        description=f"Consorcia events owned by {owner}",
    )


async def ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Create the stream, or bring an existing one to this configuration (idempotent, race-safe)."""
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
            log.info("stream created", extra={"stream": config.name})
            return
        except BadRequestError:  # another replica created it first
            pass
    await js.update_stream(config)


async def ensure_streams(
    js: JetStreamContext,
    settings: InfrastructureSettings,
    owners: set[str],
    *,
    duplicate_window_s: float = 120.0,
) -> None:
    for owner in sorted(owners | {DEAD_LETTER}):
        await ensure_stream(js, stream_config(settings, owner, duplicate_window_s=duplicate_window_s))

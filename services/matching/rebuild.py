"""Rebuild matching's read model from scratch by replaying directory's stream.

    python -m services.matching.rebuild

An ephemeral ordered consumer reads the DIRECTORY stream from sequence 1 up to the last sequence it had
when the rebuild started, and applies every event with the same projection code the live consumer uses,
in one transaction (readers see the old model or the new one, never a half-built one). It neither reads
nor writes the live consumer's processed-events table, and it computes no matches: matches, answers
and introductions are matching's own facts and are kept. Restart matching afterwards so its candidate
index is reloaded from the rebuilt model.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from nats.js.api import DeliverPolicy
from sqlalchemy import delete

from services.matching.config import MatchingSettings, get_settings
from services.matching.handlers import build_registry
from services.matching.models import (
    ConsortiumMembership,
    OrganizationManager,
    OrganizationProjection,
    OrganizationTombstone,
)
from shared.db import create_engine, create_session_factory
from shared.events.catalog import parse
from shared.events.envelope import CloudEvent
from shared.messaging.jetstream import connect
from shared.migrations import upgrade

log = logging.getLogger(__name__)


async def rebuild(settings: MatchingSettings, *, idle_timeout_s: float = 10.0) -> dict[str, int]:
    from pathlib import Path

    engine = create_engine(settings.database_url)
    await upgrade(engine, Path(__file__).parent / "migrations")
    factory = create_session_factory(engine)
    nc = await connect(settings, name="matching-rebuild")
    stats = {"events": 0, "applied": 0, "last_sequence": 0}
    try:
        js = nc.jetstream()
        stream = settings.stream_name("directory")
        last = (await js.stream_info(stream)).state.last_seq
        stats["last_sequence"] = last
        registry = build_registry(None, match=False)
        async with factory() as session:
            for table in (
                OrganizationProjection,
                ConsortiumMembership,
                OrganizationManager,
                OrganizationTombstone,
            ):
                await session.execute(delete(table))
            if last:
                sub = await js.subscribe(
                    settings.subject("directory.>"),
                    stream=stream,
                    ordered_consumer=True,
                    deliver_policy=DeliverPolicy.ALL,
                )
                try:
                    while True:
                        msg = await sub.next_msg(timeout=idle_timeout_s)
                        stats["events"] += 1
                        envelope = CloudEvent.from_json(msg.data)
                        handler = registry.get(envelope.type)
                        if handler is not None:
                            await handler(parse(envelope), session=session, envelope=envelope)
                            await session.flush()
                            stats["applied"] += 1
                        if msg.metadata.sequence.stream >= last:
                            break
                finally:
                    await sub.unsubscribe()
            await session.commit()
    finally:
        await nc.close()
        await engine.dispose()
    return stats


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    stats = asyncio.run(rebuild(get_settings()))
    print(
        f"replayed {stats['events']} directory events up to sequence {stats['last_sequence']}; "
        f"applied {stats['applied']}",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()

"""Forum's application: `uvicorn services.forum.main:app`."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError

from services.forum.api import router
from services.forum.config import ForumSettings, get_settings
from services.forum.handlers import registry
from services.forum.live import LivePusher
from services.forum.models import Base, outbox, processed_events
from services.forum.seed import load_seed
from services.forum.service.advisory import escalate_overdue
from shared.app import create_service_app
from shared.runtime import ServiceRuntime, ServiceSpec, every

log = logging.getLogger(__name__)


async def seed_on_start(runtime: ServiceRuntime) -> None:
    settings: ForumSettings = runtime.settings  # type: ignore[assignment]
    if not settings.seed_on_start:
        return
    try:
        async with runtime.session() as session:
            report = await load_seed(settings, session=session)
    except IntegrityError:  # another replica seeded at the same moment; its rows stand
        log.info("forum seed already being loaded by another replica")
        return
    log.info("forum seed loaded", extra={"categories": report.categories, "threads": report.threads})


async def escalate(runtime: ServiceRuntime) -> None:
    settings: ForumSettings = runtime.settings  # type: ignore[assignment]
    async with runtime.session() as session:
        escalated = await escalate_overdue(settings, session=session)
    if escalated:
        log.info("advisory requests escalated", extra={"count": escalated})


def build_app(settings: ForumSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    pusher = LivePusher()
    spec = ServiceSpec(
        name="forum",
        settings=settings,
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        handlers=pusher.registry(registry),
        on_start=[seed_on_start, pusher.attach],
        background=[every(lambda s: s.advisory_check_interval_s, escalate, name="advisory-escalation")],
    )
    return create_service_app(
        spec,
        title="Consorcia forum",
        description="Forum: public and private spaces, threads, posts and online advisory.",
    )


app = build_app()

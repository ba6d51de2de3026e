"""Forum's application: `uvicorn services.forum.main:app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.forum.api import router
from services.forum.config import ForumSettings, get_settings
from services.forum.models import Base, outbox, processed_events
from shared.app import create_service_app
from shared.runtime import ServiceSpec


def build_app(settings: ForumSettings | None = None) -> FastAPI:
    spec = ServiceSpec(
        name="forum",
        settings=settings or get_settings(),
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
    )
    return create_service_app(
        spec,
        title="Consorcia forum",
        description="Forum: public and private spaces, threads, posts and online advisory.",
    )


app = build_app()

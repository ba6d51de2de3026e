"""Matching's application: `uvicorn services.matching.main:app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.matching.api import router
from services.matching.config import MatchingSettings, get_settings
from services.matching.handlers import build_registry
from services.matching.matcher import Matcher
from services.matching.models import Base, outbox, processed_events
from shared.app import create_service_app
from shared.runtime import ServiceSpec


def build_app(settings: MatchingSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    matcher = Matcher(settings)
    spec = ServiceSpec(
        name="matching",
        settings=settings,
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        handlers=build_registry(matcher),
        on_start=[matcher.start],
    )
    app = create_service_app(spec, title="Consorcia matching", description="Complementary partners and why.")
    app.state.matcher = matcher
    return app


app = build_app()

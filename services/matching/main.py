"""Matching's application: `uvicorn services.matching.main:app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.matching.api import router
from services.matching.config import MatchingSettings, get_settings
from services.matching.handlers import registry
from services.matching.models import Base, outbox, processed_events
from shared.app import create_service_app
from shared.runtime import ServiceSpec


def build_app(settings: MatchingSettings | None = None) -> FastAPI:
    spec = ServiceSpec(
        name="matching",
        settings=settings or get_settings(),
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        handlers=registry,
    )
    return create_service_app(spec, title="Consorcia matching", description="Complementary partners and why.")


app = build_app()

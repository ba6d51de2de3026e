"""Notifications's application: `uvicorn services.notifications.main:app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.notifications.api import router
from services.notifications.config import NotificationsSettings, get_settings
from services.notifications.models import Base, outbox, processed_events
from shared.app import create_service_app
from shared.runtime import ServiceSpec


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    spec = ServiceSpec(
        name="notifications",
        settings=settings or get_settings(),
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
    )
    return create_service_app(
        spec,
        title="Consorcia notifications",
        description="Notifications: in-app, real-time, e-mail and signed webhook alerts.",
    )


app = build_app()

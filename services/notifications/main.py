"""Notifications's application: `uvicorn services.notifications.main:app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.notifications.api import router
from services.notifications.config import NotificationsSettings, get_settings
from services.notifications.effects import Hub
from services.notifications.handlers import build_registry
from services.notifications.models import Base, outbox, processed_events
from services.notifications.worker import DeliveryWorker
from shared.app import create_service_app
from shared.runtime import ServiceRuntime, ServiceSpec


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    hub = Hub(settings)
    spec = ServiceSpec(
        name="notifications",
        settings=settings,
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        handlers=build_registry(hub),
        on_start=[hub.attach, _delivery_worker(hub, settings)],
        workers=[lambda runtime: hub.worker] if settings.run_workers else [],
    )
    app = create_service_app(
        spec,
        title="Consorcia notifications",
        description="Notifications: in-app, real-time, e-mail and signed webhook alerts.",
    )
    app.state.hub = hub
    return app


def _delivery_worker(hub: Hub, settings: NotificationsSettings):  # type: ignore[no-untyped-def]
    """The durable delivery queue's worker, attached to the hub: the API's replay and test ping use it
    even where this replica does not run the queue (run_workers=false)."""

    async def attach(runtime: ServiceRuntime) -> None:
        hub.worker = DeliveryWorker(hub=hub, session_factory=runtime.session_factory, settings=settings)
        hub.wake_queue = hub.worker.wake

    return attach


app = build_app()

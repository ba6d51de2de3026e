"""Notifications's application: `uvicorn services.notifications.main:app`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.notifications.api import router
from services.notifications.config import NotificationsSettings, get_settings
from services.notifications.effects import Hub
from services.notifications.handlers import build_registry
from services.notifications.models import Base, outbox, processed_events
from services.notifications.worker import DeliveryWorker
from shared.app import create_service_app
from shared.runtime import ServiceSpec


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
        on_start=[hub.attach],
    )
    app = create_service_app(
        spec,
        title="Consorcia notifications",
        description="Notifications: in-app, real-time, e-mail and signed webhook alerts.",
    )
    app.state.hub = hub
    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(app):
            runtime = app.state.runtime
            worker = DeliveryWorker(hub=hub, session_factory=runtime.session_factory, settings=settings)
            hub.worker = worker
            hub.wake_queue = worker.wake
            task = (
                asyncio.create_task(worker.run(), name="notifications-deliveries")
                if settings.run_workers
                else None
            )
            try:
                yield
            finally:
                worker.stop()
                if task is not None:
                    await asyncio.wait({task}, timeout=10)

    app.router.lifespan_context = lifespan
    return app


app = build_app()

"""Directory's application: `uvicorn services.directory.main:app`."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from services.directory.api import router
from services.directory.accounts_routers import ROUTERS as ACCOUNTS_ROUTERS
from services.directory.config import DirectorySettings, get_settings
from services.directory.models import Base, outbox, processed_events
from services.directory.reference import load_countries
from shared.app import create_service_app
from shared.runtime import ServiceRuntime, ServiceSpec

log = logging.getLogger(__name__)


async def load_reference_data(runtime: ServiceRuntime) -> None:
    async with runtime.session() as session:
        added = await load_countries(session=session)
    if added:
        log.info("countries loaded", extra={"added": added})


def build_app(settings: DirectorySettings | None = None) -> FastAPI:
    spec = ServiceSpec(
        name="directory",
        settings=settings or get_settings(),
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router, *ACCOUNTS_ROUTERS],
        on_start=[load_reference_data],
    )
    return create_service_app(
        spec, title="Consorcia directory", description="Organizations, people, consortia and reference data."
    )


app = build_app()

"""Directory's application: `uvicorn services.directory.main:app`."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from services.directory.accounts_routers import ROUTERS as ACCOUNTS_ROUTERS
from services.directory.api import router
from services.directory.config import DirectorySettings, get_settings
from services.directory.knowledge_api import router as knowledge_router
from services.directory.models import Base, outbox, processed_events
from services.directory.reference import load_countries
from services.directory.reference_api import router as reference_router
from services.directory.seed.loader import load_seed
from services.directory.verification.stale import sweep as sweep_stale_profiles
from shared.app import create_service_app
from shared.runtime import ServiceRuntime, ServiceSpec, every

log = logging.getLogger(__name__)


async def load_reference_data(runtime: ServiceRuntime) -> None:
    async with runtime.session() as session:
        added = await load_countries(session=session)
    if added:
        log.info("countries loaded", extra={"added": added})


async def load_seed_data(runtime: ServiceRuntime) -> None:
    """CONSORCIA_DIRECTORY_SEED_ON_START=true: the 2015 network, once (later starts add nothing)."""
    if getattr(runtime.settings, "seed_on_start", False):
        assert runtime.session_factory is not None
        await load_seed(runtime.session_factory, progress=lambda line: log.info("seed: " + line))


def build_app(settings: DirectorySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    spec = ServiceSpec(
        name="directory",
        settings=settings,
        metadata=Base.metadata,
        outbox=outbox,
        processed=processed_events,
        migrations=Path(__file__).parent / "migrations",
        routers=[router, reference_router, knowledge_router, *ACCOUNTS_ROUTERS],
        on_start=[load_reference_data, load_seed_data],
        background=_stale_sweep(settings),
    )
    app = create_service_app(
        spec, title="Consorcia directory", description="Organizations, people, consortia and reference data."
    )
    return app


def _stale_sweep(settings: DirectorySettings) -> list:  # type: ignore[type-arg]
    interval = float(settings.stale_check_interval_s or 0)
    return [every(interval, sweep_stale_profiles, name="stale-profile-sweep")] if interval > 0 else []


app = build_app()

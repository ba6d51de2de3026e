"""The FastAPI application every service is: lifespan, correlation ids, errors, health and metrics."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared import metrics
from shared.auth import TokenVerifier, read_key
from shared.errors import install_error_handlers
from shared.logging import configure_logging, correlation_id
from shared.runtime import ServiceRuntime, ServiceSpec

CORRELATION_HEADER = "x-correlation-id"


def create_service_app(spec: ServiceSpec, *, title: str, description: str = "") -> FastAPI:
    runtime = ServiceRuntime(spec)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name, spec.settings.log_level)
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    public_key = read_key(spec.settings.jwt_public_key, spec.settings.jwt_public_key_file)
    app.state.verifier = TokenVerifier(public_key) if public_key else None
    install_error_handlers(app)
    app.add_middleware(_CorrelationMiddleware, service=spec.name)
    app.include_router(health_router(runtime))
    for router in spec.routers:
        app.include_router(router)
    return app


class _CorrelationMiddleware:
    """Pure ASGI (cheaper than BaseHTTPMiddleware): binds the correlation id and records latency."""

    def __init__(self, app, service: str) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        cid = headers.get(CORRELATION_HEADER.encode(), b"").decode() or uuid.uuid4().hex
        token = correlation_id.set(cid)
        started = time.perf_counter()
        status = 500

        async def _send(message):  # type: ignore[no-untyped-def]
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((CORRELATION_HEADER.encode(), cid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            metrics.HTTP_REQUESTS.labels(self.service, scope["method"], path, str(status)).observe(
                time.perf_counter() - started
            )
            correlation_id.reset(token)


def health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.spec.name}

    @router.get("/readyz", summary="Readiness: database, NATS and Redis answer")
    async def readyz() -> JSONResponse:
        checks = {
            "database": await _check(_database(runtime)),
            "nats": "ok"
            if runtime.nc is not None and runtime.nc.is_connected and runtime.broker_ready.is_set()
            else "unavailable",
            "redis": await _check(runtime.redis.ping() if runtime.redis else _fail()),
        }
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _database(runtime: ServiceRuntime) -> None:
    assert runtime.session_factory is not None
    async with runtime.session_factory() as session:
        await session.execute(text("SELECT 1"))


async def _fail() -> None:
    raise RuntimeError("not configured")


async def _check(awaitable) -> str:  # type: ignore[no-untyped-def]
    try:
        await asyncio.wait_for(awaitable, timeout=2)
        return "ok"
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one unit of work per request, committed when the route returns."""
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.session() as session:
        yield session


# scope="function": the commit happens before the response leaves, so a failed commit is never a 2xx.
Session = Annotated[AsyncSession, Depends(get_session, scope="function")]

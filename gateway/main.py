"""The gateway application: `uvicorn gateway.main:app`, GraphQL and GraphiQL at /graphql."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
import strawberry
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import HTTPConnection

from gateway.auth.keys import load_verifier
from gateway.auth.wiring import build_auth
from gateway.clients import ServiceClients
from gateway.config import GatewaySettings, get_settings
from gateway.context import Context
from gateway.fastpath import GraphQLFastPath
from gateway.limits.rate import RateLimited, RateLimiter, rate_limited_response
from gateway.router import GatewayRouter
from gateway.schema import build_schema
from gateway.subscriptions import LiveHub
from shared.heap import settle_heap
from shared.logging import configure_logging


def build_app(settings: GatewaySettings | None = None, schema: strawberry.Schema | None = None) -> FastAPI:
    settings = settings or get_settings()
    clients = ServiceClients(settings)
    cache = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    verifier = load_verifier(settings)
    auth = build_auth(settings, clients, cache, verifier)
    live = LiveHub(settings.nats_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging("gateway", settings.log_level)
        settle_heap()  # what start-up built is never garbage: out of the collector's walks (shared/heap.py)
        try:
            yield
        finally:
            await live.aclose()
            await clients.aclose()
            await cache.aclose()

    async def get_context(connection: HTTPConnection) -> Context:
        headers = connection.headers
        identity = await auth.identify(headers.get("authorization"), headers.get("x-api-key"))
        return Context(clients, identity=identity, auth=auth)

    # Limits, WebSocket handshake and protocol: gateway/router.py, gateway/limits/ (docs/graphql.md).
    schema = schema or build_schema(settings)
    graphql = GatewayRouter(schema, settings=settings, verifier=verifier, context_getter=get_context)
    app = FastAPI(title="Consorcia gateway", version="0.1.0", lifespan=lifespan)
    app.state.live = live
    app.state.settings = settings  # subscriptions derive their NATS subjects (namespace) from it
    app.state.rate_limiter = RateLimiter(settings, cache, verifier) if settings.rate_limit_enabled else None
    app.include_router(graphql, prefix="/graphql")
    # Plain JSON POSTs skip FastAPI's and strawberry's HTTP layers (same schema, context, limits).
    limiter = lambda: app.state.rate_limiter  # noqa: E731 - read per request: tests may swap it
    app.add_middleware(
        GraphQLFastPath, schema=schema, settings=settings, context_getter=get_context, limiter=limiter
    )
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Api-Key", "X-Correlation-Id"],
            expose_headers=["Retry-After", "X-Correlation-Id"],
            max_age=600,
        )

    @app.exception_handler(RateLimited)
    async def rate_limited(_: Request, exc: RateLimited) -> JSONResponse:
        return rate_limited_response(exc)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "gateway"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        async def probe(coro) -> str:  # type: ignore[no-untyped-def]
            try:
                await asyncio.wait_for(coro, timeout=2)
                return "ok"
            except Exception as exc:
                return f"unavailable: {type(exc).__name__}"

        names = ["redis", *(c.name for c in clients.all())]
        results = await asyncio.gather(
            probe(cache.ping()), *(probe(c.get("/healthz")) for c in clients.all())
        )
        checks = dict(zip(names, results, strict=True))
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks}, 200 if ready else 503
        )

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


app = build_app()

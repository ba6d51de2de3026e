"""The gateway application: `uvicorn gateway.main:app`, GraphQL and GraphiQL at /graphql."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from gateway.clients import ServiceClients
from gateway.config import GatewaySettings, get_settings
from gateway.context import Context
from gateway.schema import schema
from shared.logging import configure_logging


def build_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    clients = ServiceClients(settings)
    cache = aioredis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging("gateway", settings.log_level)
        try:
            yield
        finally:
            await clients.aclose()
            await cache.aclose()

    async def get_context() -> Context:
        return Context(clients)

    graphql = GraphQLRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql else None,
        # The legacy graphql-ws protocol had authentication-bypass and slot-leak advisories.
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
    )
    app = FastAPI(title="Consorcia gateway", version="0.1.0", lifespan=lifespan)
    app.include_router(graphql, prefix="/graphql")

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

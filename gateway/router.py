"""The GraphQL endpoint: strawberry's FastAPI router with the gateway's handshake and limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import strawberry
from fastapi import Depends
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from gateway.config import GatewaySettings
from gateway.limits.errors import classify
from gateway.limits.rate import rate_limit
from gateway.subscriptions.handshake import authenticate
from shared.auth import TokenVerifier


class GatewayRouter(GraphQLRouter):
    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        settings: GatewaySettings,
        verifier: TokenVerifier | None,
        context_getter: Any,
    ) -> None:
        origins = settings.cors_origin_list
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide="graphiql" if settings.graphiql else None,
            # Only graphql-transport-ws: the legacy graphql-ws handler had authentication-bypass
            # (CVE-2026-35523) and slot-leak (CVE-2026-107727) advisories.
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_s),
            max_subscriptions_per_connection=settings.ws_max_subscriptions,
            # Browser pages on other origins may open sockets only from the CORS origins.
            allowed_origins=origins,
            dependencies=[Depends(rate_limit)],
        )
        self.verifier = verifier

    async def on_ws_connect(self, context: Any) -> dict[str, Any]:
        principal = await authenticate(context, self.verifier)
        context.principal = principal
        return {"authenticated": principal is not None}

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Syntax errors escape the schema extensions (strawberry catches them outside the operation
        # hooks), so every HTTP answer is classified once more here; classify is idempotent.
        if result.errors:
            result.errors = [classify(e) for e in result.errors]
        return process_result(result)

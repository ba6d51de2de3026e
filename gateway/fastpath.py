"""A lean path for the common request: one JSON `POST /graphql`, straight into the schema.

Profiling the gateway under load showed most of its CPU outside GraphQL: FastAPI's routing,
dependency solving and middleware stack, then strawberry's HTTP view, around a schema execution
that was itself a small share. This ASGI middleware answers the plain case — a JSON object with a
`query` — by running the same schema (same extensions: limits, caches, error classification), the
same context getter and the same rate limiter, and writing the JSON itself. Anything else (GET,
GraphiQL, multipart, batches, streaming `Accept`, a malformed body, an operation the view would
refuse) is handed to the full stack with its body replayed, so behaviour stays strawberry's.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gateway.config import GatewaySettings
from gateway.lean import LeanExecutor, Unsupported
from gateway.limits.errors import classify
from gateway.limits.rate import RATE_COUNTED, RateLimited, RateLimiter, caller_of, rate_limited_response

MAX_BODY = 1_000_000  # bytes; a query this large is refused by the token limit anyway
ASGIApp = Callable[..., Awaitable[None]]
POST_OPERATIONS = {OperationType.QUERY, OperationType.MUTATION}


class _Delegate(Exception):
    """Not the plain case after all: let the full stack answer."""


class GraphQLFastPath:
    def __init__(
        self,
        app: ASGIApp,
        *,
        schema: strawberry.Schema,
        settings: GatewaySettings,
        context_getter: Callable[..., Awaitable[Any]],
        limiter: Callable[[], RateLimiter | None],
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.schema = schema
        self.lean = LeanExecutor(schema, settings)
        self.context_getter = context_getter
        self.getter_takes_connection = bool(inspect.signature(context_getter).parameters)
        self.limiter = limiter
        self.path = path

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != self.path:
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        accept = headers.get(b"accept", b"")
        if content_type != b"application/json" or b"multipart/mixed" in accept or b"event-stream" in accept:
            return await self.app(scope, receive, send)
        body = await _read_body(receive)
        if body is None:
            return await Response(status_code=413, content="request body too large")(scope, receive, send)
        try:
            await self._answer(scope, body, send)
        except _Delegate:
            await self.app(scope, _replay(body), send)

    async def _answer(self, scope: dict[str, Any], body: bytes, send: Any) -> None:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise _Delegate from None
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            raise _Delegate
        variables, operation_name = data.get("variables"), data.get("operationName")
        if (variables is not None and not isinstance(variables, dict)) or not isinstance(
            operation_name, str | None
        ):
            raise _Delegate
        request = Request(scope, _replay(body))
        if (limiter := self.limiter()) is not None:
            try:
                await limiter.check(limiter.bucket_for(*caller_of(request.headers, request.client)))
            except RateLimited as exc:
                return await rate_limited_response(exc)(scope, _replay(b""), send)
            # Counted once: if this request is handed to the full stack, its dependency skips it.
            scope.setdefault("state", {})[RATE_COUNTED] = True
        context = await (
            self.context_getter(request) if self.getter_takes_connection else self.context_getter()
        )
        sub_response, tasks = Response(), BackgroundTasks()
        # What strawberry's view gives every context, so resolvers see no difference.
        for name, value in (("request", request), ("response", sub_response), ("background_tasks", tasks)):
            if hasattr(context, name) or isinstance(context, dict):
                _set(context, name, value)
        try:
            if self.lean.applies:
                answer = await self.lean.run(
                    data["query"],
                    variables=variables,
                    operation_name=operation_name,
                    context=context,
                    operation_extensions=data.get("extensions"),
                )
            else:
                result = await self.schema.execute(
                    data["query"],
                    variable_values=variables,
                    context_value=context,
                    operation_name=operation_name,
                    allowed_operation_types=POST_OPERATIONS,
                    operation_extensions=data.get("extensions"),
                )
                if result.errors:
                    result.errors = [classify(e) if isinstance(e, GraphQLError) else e for e in result.errors]
                answer = process_result(result)
        except (Unsupported, MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError):
            raise _Delegate from None
        payload = orjson.dumps(answer, default=_fallback)
        response = Response(
            payload, status_code=sub_response.status_code or 200, media_type="application/json"
        )
        for key, value in sub_response.headers.items():
            if key not in ("content-length", "content-type"):
                response.headers.append(key, value)
        response.background = tasks
        await response(scope, _replay(b""), send)


def _fallback(value: Any) -> Any:
    # Custom scalars serialize to JSON types; anything else is a bug best seen as text, not a 500.
    return str(value)


def _set(context: Any, name: str, value: Any) -> None:
    if isinstance(context, dict):
        context[name] = value
    else:
        setattr(context, name, value)


async def _read_body(receive: Any) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Callable[[], Awaitable[dict[str, Any]]]:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive

"""What a client sees of a failure: expected ones keep their stable code, unexpected ones are masked.

Every error leaves the gateway with `extensions.code`. Syntax and validation problems (the client's
own document) and DomainErrors raised by resolvers pass through; a service's 4xx keeps its code;
anything else becomes "internal_error" with a fixed message, and the trace goes only to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.clients import ServiceError
from shared.errors import DomainError

log = logging.getLogger("gateway.errors")

MASKED_MESSAGE = "an unexpected error occurred; it has been logged"


def classify(error: GraphQLError) -> GraphQLError:
    """The error as the client may see it."""
    original = error.original_error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        if error.message.startswith("Syntax Error"):
            code = "query_too_large" if "tokens" in error.message else "syntax_error"
        else:
            code = "invalid_query"
        return _with(error, error.message, {**(error.extensions or {}), "code": code})
    if isinstance(original, DomainError):
        return _with(error, original.message, {"code": original.code, **original.details})
    if isinstance(original, ServiceError) and 400 <= original.status < 500:
        return _with(error, original.message, {"code": original.code})
    if isinstance(original, ServiceError | httpx.TransportError):
        log.warning("service unavailable", extra={"error": repr(original), "path": error.path})
        return _with(error, "a service is unavailable right now; try again shortly", {"code": "unavailable"})
    if isinstance(original, GraphQLError):
        # graphql-core's own verdicts on the request (e.g. a variable's value) and errors a resolver
        # raised on purpose: both are meant for the client.
        extensions = dict(original.extensions or {})
        extensions.setdefault(
            "code", "invalid_variables" if error.message.startswith("Variable '$") else "invalid_query"
        )
        return _with(error, error.message, extensions)
    # strawberry's process_errors has already logged the original with its trace.
    return _with(error, MASKED_MESSAGE, {"code": "internal_error"})


def is_expected(error: GraphQLError) -> bool:
    """A refusal the client caused and is told about (bad query, validation, permission, not found)."""
    original = error.original_error
    if original is None or isinstance(original, DomainError | GraphQLError):
        return True
    return isinstance(original, ServiceError) and 400 <= original.status < 500


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ClassifyErrors(SchemaExtension):
    """Replaces strawberry's MaskErrors: it masked everything, or had to be told what not to."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [classify(e) for e in errors]  # type: ignore[union-attr]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [classify(e) for e in pre]

    def on_stream_result(self, result: object) -> Iterator[None]:
        # Each result of a subscription, before it is sent down the WebSocket.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [classify(e) for e in errors]  # type: ignore[attr-defined]
        yield

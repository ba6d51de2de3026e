"""The lean execution path: the schema's own validation rules and resolvers, without the per-request
machinery around them.

Under load, strawberry's `Schema.execute` spent more CPU building its extension hooks (context
managers for every extension at every stage) than executing the query. For the extensions the
gateway uses — token limit, validation rules, parse and validation caches, error classification —
the same work is a parse-and-validate cache keyed by the query text and one graphql-core execute
with strawberry's own execution context class. `LeanExecutor.applies` is false for any schema
with other extensions or custom directives: those keep going through `Schema.execute`.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, OperationType, execute, get_operation_ast, parse
from graphql.validation import specified_rules
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.schema.schema import validate_document

from gateway.config import GatewaySettings
from gateway.lean_execution import lean_execution_class
from gateway.limits import CACHE_SIZE, validation_rules
from gateway.limits.errors import ClassifyErrors, classify

KNOWN = (MaxTokensLimiter, AddValidationRules, ParserCache, ValidationCache, ClassifyErrors)
LEAN_OPERATIONS = (OperationType.QUERY, OperationType.MUTATION)


class Unsupported(Exception):
    """This request needs the full path (strawberry's view answers it)."""


def _extension_type(extension: Any) -> type:
    return (
        extension.func
        if isinstance(extension, partial)
        else extension
        if isinstance(extension, type)
        else type(extension)
    )


class LeanExecutor:
    def __init__(self, schema: strawberry.Schema, settings: GatewaySettings) -> None:
        self.schema = schema
        self.graphql_schema = schema._schema
        self.max_tokens = settings.max_tokens
        self.rules = (*specified_rules, *validation_rules(settings))
        self.applies = not schema.directives and all(
            issubclass(_extension_type(e), KNOWN) for e in schema.extensions
        )
        self._prepared: OrderedDict[str, tuple[DocumentNode | None, list[GraphQLError]]] = OrderedDict()
        # Plain leaf fields (an attribute read as a scalar) skip graphql-core's per-field machinery.
        self._executor_kwargs = {
            "executor_class": lean_execution_class(schema.execution_context_class, self.graphql_schema)
        }

    def prepare(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """Parse and validate once per distinct query text (an LRU of CACHE_SIZE)."""
        if (hit := self._prepared.get(query)) is not None:
            self._prepared.move_to_end(query)
            return hit
        try:
            document: DocumentNode | None = parse(query, max_tokens=self.max_tokens)
            errors = validate_document(self.graphql_schema, document, self.rules)  # type: ignore[arg-type]
        except GraphQLError as error:
            document, errors = None, [error]
        self._prepared[query] = (document, errors)
        if len(self._prepared) > CACHE_SIZE:
            self._prepared.popitem(last=False)
        return document, errors

    async def run(
        self,
        query: str,
        *,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        operation_extensions: dict[str, Any] | None,
    ) -> dict[str, Any]:
        document, errors = self.prepare(query)
        if document is None or errors:
            return self._answer(None, errors)
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation not in LEAN_OPERATIONS:
            raise Unsupported
        result = execute(
            self.graphql_schema,
            document,
            root_value=None,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            is_awaitable=optimized_is_awaitable,
            operation_extensions=operation_extensions,
            **self._executor_kwargs,
        )
        if optimized_is_awaitable(result):
            result = await result  # type: ignore[misc]
        return self._answer(result.data, result.errors or [])  # type: ignore[union-attr]

    def _answer(self, data: Any, errors: list[GraphQLError]) -> dict[str, Any]:
        payload: dict[str, Any] = {"data": data}
        if errors:
            # strawberry's process_errors logs them (with the trace of an unexpected one).
            self.schema.process_errors(errors)
            payload["errors"] = [classify(e).formatted for e in errors]
        return payload

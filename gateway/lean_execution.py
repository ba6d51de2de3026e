"""graphql-core's execution with a short path for plain leaf fields.

A search page of 20 organizations with their country is about 200 fields, and 160 of them are
"plain leaves": an attribute of a strawberry object read as a scalar or an enum (`name`, `kind`,
`iso2`…). For each, graphql-core builds a `Path`, strawberry's `GraphQLResolveInfo`, calls
strawberry's wrapper around the default resolver, then walks `complete_value`'s type dispatch:
most of the gateway's CPU per page. For a plain leaf that work gives the same answer as reading
the attribute and coercing it with the leaf type, which is what `execute_fields` does here.

What is plain is decided once per schema: a field with no resolver, no field extension and no
permission (strawberry's `is_basic_field`), whose type is a scalar or an enum (or a non-null one),
asked for without arguments. Anything unusual at run time — a missing attribute, an exception
value, a null for a non-null field, a value the scalar refuses — goes through graphql-core's own
`execute_field`, so errors, their paths and null propagation are exactly graphql-core's.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

PlainLeaf = tuple[str, GraphQLLeafType, bool]  # attribute, leaf type, non-null
_FULL_PATH = object()  # "not answerable here": graphql-core's execute_field decides


def plain_leaves(schema: GraphQLSchema) -> dict[tuple[str, str], PlainLeaf]:
    """(object type name, field name) -> how to answer it, for every plain leaf field of the schema."""
    found: dict[tuple[str, str], PlainLeaf] = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            if (leaf := _plain_leaf(field)) is not None:
                found[type_.name, name] = leaf
    return found


def _plain_leaf(field: GraphQLField) -> PlainLeaf | None:
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolver = field.resolve
    if definition is None or resolver is None or not getattr(resolver, "_is_default", False):
        return None
    if not definition.is_basic_field or field.args or definition.default_resolver is not getattr:
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    leaf = field.type.of_type if non_null else field.type
    if not is_leaf_type(leaf) or not definition.python_name:
        return None
    return definition.python_name, leaf, non_null  # type: ignore[return-value]


def _answer(source: Any, leaf: PlainLeaf) -> Any:
    attribute, leaf_type, non_null = leaf
    value = getattr(source, attribute, _FULL_PATH)
    if value is None:
        return _FULL_PATH if non_null else None
    if value is _FULL_PATH or isinstance(value, BaseException):
        return _FULL_PATH
    try:
        coerced = leaf_type.coerce_output_value(value)
    except Exception:  # noqa: BLE001 - graphql-core's path raises it again, located
        return _FULL_PATH
    return _FULL_PATH if coerced is None or coerced is Undefined else coerced


def lean_execution_class(base: type, schema: GraphQLSchema) -> type:
    """A subclass of the schema's execution context class answering this schema's plain leaves."""
    leaves = plain_leaves(schema)

    class LeanExecutionContext(base):  # type: ignore[valid-type, misc]
        def execute_fields(
            self,
            parent_type: GraphQLObjectType,
            source_value: Any,
            path: Path | None,
            grouped_field_set: Any,
            position_context: Any,
        ) -> Any:
            if self.middleware_manager is not None:
                return super().execute_fields(
                    parent_type, source_value, path, grouped_field_set, position_context
                )
            parent_name = parent_type.name
            plain: dict[str, Any] = {}
            rest: dict[str, Any] = {}
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                leaf = leaves.get((parent_name, node.name.value))
                if leaf is not None and not node.arguments:
                    value = _answer(source_value, leaf)
                    if value is not _FULL_PATH:
                        plain[response_name] = value
                        continue
                rest[response_name] = field_details_list
            if not rest:
                return plain
            results = super().execute_fields(parent_type, source_value, path, rest, position_context)
            return _merge(grouped_field_set, plain, results, self.is_awaitable)

    return LeanExecutionContext


def _merge(order: Any, plain: dict[str, Any], results: Any, is_awaitable: Any) -> Any:
    """The plain answers and graphql-core's, in the order of the selection (JSON keys keep it)."""
    if not plain:
        return results
    if is_awaitable(results):

        async def merged() -> dict[str, Any]:
            return _ordered(order, plain, await results)

        return merged()
    return _ordered(order, plain, results)


def _ordered(order: Any, plain: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    return {
        name: plain[name] if name in plain else results[name]
        for name in order
        if name in plain or name in results
    }


def call_resolvers_directly(schema: strawberry.Schema) -> int:
    """Replace strawberry's wrapper around resolvers that take no arguments by a direct call.

    For a resolver like `def country(self, info)`, strawberry's wrapper builds an argument list,
    converts no arguments, folds no field extensions and goes through four more calls before the
    function: a fifth of the gateway's CPU on a page of 20 organizations with their country. A
    field qualifies when it has a resolver taking only `self` and/or `info`, no GraphQL arguments,
    no extension or permission, strawberry's own `get_result`, and the schema no exception handler;
    the call is then exactly what the wrapper ends in. Returns how many fields were replaced.
    """
    if schema.exception_handlers:
        return 0
    info_class = schema.config.info_class
    replaced = 0
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(definition, StrawberryField) and (direct := _direct(definition, info_class)):
                field.resolve = direct
                replaced += 1
    return replaced


def _direct(definition: StrawberryField, info_class: type) -> Any:
    resolver = definition.base_resolver
    if (
        resolver is None
        or definition.arguments
        or definition.extensions
        or definition.is_subscription
        or type(definition).get_result is not StrawberryField.get_result
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
        or not callable(resolver.wrapped_func)
    ):
        return None
    func = resolver.wrapped_func
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    if resolver.self_parameter is not None and info_name is not None:

        def resolve(source: Any, info: Any, **_: Any) -> Any:
            return func(source, **{info_name: info_class(_raw_info=info, _field=definition)})

    elif resolver.self_parameter is not None:

        def resolve(source: Any, info: Any, **_: Any) -> Any:
            return func(source)

    elif info_name is not None:

        def resolve(source: Any, info: Any, **_: Any) -> Any:
            return func(**{info_name: info_class(_raw_info=info, _field=definition)})

    else:

        def resolve(source: Any, info: Any, **_: Any) -> Any:
            return func()

    resolve._is_default = False  # type: ignore[attr-defined]  # as strawberry marks a resolver
    return resolve

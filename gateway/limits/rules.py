"""Validation rules that bound what one document may ask for: depth, aliases and cost.

They run inside GraphQL validation, so a rejected document never reaches a resolver, and the
verdict is cached with the document (ValidationCache). Fragments are followed: a fragment
spread twice counts twice, as it executes twice. Each fragment is measured once and memoized,
so a document of fragments spreading fragments cannot make the rule itself explode.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from graphql.language import DocumentNode

INTROSPECTION_ROOTS = ("__schema", "__type")


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 5000
    default_page_size: int = 100
    introspection: bool = True


@dataclass(frozen=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def __add__(self, other: Measure) -> Measure:
        return Measure(max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost)


class _Measurer:
    """Walks one document with the schema's types at hand to find each field's page size."""

    def __init__(self, context: ValidationContext, limits: Limits) -> None:
        self.schema = context.schema
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, Measure] = {}
        self.visiting: set[str] = set()
        self.variable_defaults: dict[str, int] = {}

    def operation(self, node: OperationDefinitionNode) -> Measure:
        self.variable_defaults = {
            v.variable.name.value: int(v.default_value.value)
            for v in node.variable_definitions or ()
            if isinstance(v.default_value, IntValueNode)
        }
        # Fragment measures depend on variables only through `first: $var`; keep them per operation.
        self.memo.clear()
        return self.selections(node.selection_set, self.schema.get_root_type(node.operation))

    def selections(self, selection_set: SelectionSetNode | None, parent: object) -> Measure:
        total = Measure()
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total + self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total = total + self.selections(selection.selection_set, target)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> Measure:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return Measure()  # unknown or cyclic: graphql-core's own rules report those
        self.visiting.add(name)
        try:
            measure = self.selections(
                definition.selection_set, self.schema.get_type(definition.type_condition.name.value)
            )
        finally:
            self.visiting.discard(name)
        self.memo[name] = measure
        return measure

    def field(self, node: FieldNode, parent: object) -> Measure:
        name = node.name.value
        alias = 1 if node.alias else 0
        if name.startswith("__"):
            # Introspection is switched on or off as a whole; it is not priced like data.
            return Measure(0, alias, 0)
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        child_type = get_named_type(definition.type) if definition else None
        inner = self.selections(node.selection_set, child_type)
        pages = self.page_size(node, definition)
        return Measure(1 + inner.depth, alias + inner.aliases, 1 + pages * inner.cost)

    def page_size(self, node: FieldNode, definition: object) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                return self.variable_defaults.get(value.name.value, self.limits.default_page_size)
            return self.limits.default_page_size
        declared = getattr(definition, "args", {}).get("first") if definition else None
        if declared is not None and isinstance(declared.default_value, int):
            return max(declared.default_value, 1)
        return 1


def limits_rule(limits: Limits) -> type[ValidationRule]:
    class QueryLimitsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: object) -> None:
            measurer = _Measurer(self.context, limits)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    self.check(definition, measurer.operation(definition))

        def enter_field(self, node: FieldNode, *_args: object) -> None:
            if not limits.introspection and node.name.value in INTROSPECTION_ROOTS:
                self.reject(
                    "introspection_disabled",
                    f"introspection is disabled on this gateway ('{node.name.value}'); "
                    "the schema is published as docs/schema.graphql",
                    node,
                )

        def check(self, operation: OperationDefinitionNode, measure: Measure) -> None:
            label = f"operation '{operation.name.value}'" if operation.name else "the operation"
            if measure.depth > limits.max_depth:
                self.reject(
                    "query_too_deep",
                    f"{label} is nested {measure.depth} levels deep; the limit is {limits.max_depth}",
                    operation,
                    limit=limits.max_depth,
                    actual=measure.depth,
                )
            if measure.aliases > limits.max_aliases:
                self.reject(
                    "too_many_aliases",
                    f"{label} uses {measure.aliases} aliases (fragments included); the limit is "
                    f"{limits.max_aliases}",
                    operation,
                    limit=limits.max_aliases,
                    actual=measure.aliases,
                )
            if measure.cost > limits.max_cost:
                self.reject(
                    "query_too_costly",
                    f"{label} costs {measure.cost} (each field 1, times the `first` of the lists above "
                    f"it); the limit is {limits.max_cost}: ask for smaller pages or fewer fields",
                    operation,
                    limit=limits.max_cost,
                    actual=min(measure.cost, 10**12),
                )

        def reject(self, code: str, message: str, node: object, **details: int) -> None:
            self.report_error(GraphQLError(message, node, extensions={"code": code, **details}))  # type: ignore[arg-type]

    return QueryLimitsRule

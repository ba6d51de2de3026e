"""The gateway's limits: document size and shape, cost, rate, and what errors may show."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial

from graphql import ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from gateway.config import GatewaySettings
from gateway.limits.errors import ClassifyErrors
from gateway.limits.rules import Limits, limits_rule

CACHE_SIZE = 1024


@lru_cache(maxsize=64)
def _rule(limits: Limits) -> type[ValidationRule]:
    # One class per set of limits, so validation caches keyed by the rules keep hitting.
    return limits_rule(limits)


def limits_of(settings: GatewaySettings) -> Limits:
    return Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_cost=settings.max_cost,
        default_page_size=settings.cost_default_page_size,
        introspection=settings.introspection,
    )


def validation_rules(settings: GatewaySettings) -> list[type[ValidationRule]]:
    """The rules added to GraphQL's own (the lean path in gateway/fastpath.py runs the same ones)."""
    return [_rule(limits_of(settings))]


def schema_extensions(settings: GatewaySettings) -> list[Callable[[], SchemaExtension]]:
    # Factories, not instances: strawberry builds them per operation, so concurrent requests
    # never share an extension's execution context.
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, validation_rules(settings)),
        # Parsing and validating the same document again is the largest per-request cost.
        partial(ParserCache, maxsize=CACHE_SIZE),
        partial(ValidationCache, maxsize=CACHE_SIZE),
        ClassifyErrors,
    ]

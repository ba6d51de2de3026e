"""The gateway's limits: document size and shape, cost, rate, and what errors may show."""

from __future__ import annotations

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


def schema_extensions(settings: GatewaySettings) -> list[SchemaExtension]:
    limits = Limits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_cost=settings.max_cost,
        default_page_size=settings.cost_default_page_size,
        introspection=settings.introspection,
    )
    return [
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        AddValidationRules([limits_rule(limits)]),
        # Parsing and validating the same document again is the largest per-request cost.
        ParserCache(maxsize=1024),
        ValidationCache(maxsize=1024),
        ClassifyErrors(),
    ]

"""The one schema: each domain contributes its Query and Mutation parts."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig

from gateway.auth.schema import AuthMutation, AuthQuery
from gateway.config import GatewaySettings, get_settings
from gateway.consortia.schema import ConsortiumMutation, ConsortiumQuery
from gateway.directory.schema import DirectoryMutation, DirectoryQuery
from gateway.errors import ConflictError, NotFoundError, PermissionError, ValidationError
from gateway.forum.mutations import ForumMutation
from gateway.forum.schema import ForumQuery
from gateway.forum.subscription import ForumSubscription
from gateway.lean_execution import call_resolvers_directly
from gateway.limits import schema_extensions
from gateway.limits.errors import is_expected
from gateway.matching.schema import MatchingMutation, MatchingQuery, MatchingSubscription
from gateway.naming import CachedNameConverter
from gateway.notifications.schema import NotificationsMutation, NotificationsQuery, NotificationsSubscription

log = logging.getLogger("gateway.errors")


@strawberry.type(description="Everything a client can read.")
class Query(DirectoryQuery, AuthQuery, ConsortiumQuery, NotificationsQuery, ForumQuery, MatchingQuery):
    pass


@strawberry.type(description="Everything a client can change.")
class Mutation(
    DirectoryMutation,
    AuthMutation,
    ConsortiumMutation,
    NotificationsMutation,
    ForumMutation,
    MatchingMutation,
):
    pass


@strawberry.type(description="Everything a client can watch live (graphql-transport-ws).")
class Subscription(NotificationsSubscription, ForumSubscription, MatchingSubscription):
    pass


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Refusals the client caused are logged at INFO without a trace; strawberry logs every error at
        ERROR with its traceback, which buried the real faults under clients' typos."""
        unexpected = []
        for error in errors:
            if is_expected(error):
                log.info("request refused", extra={"error": error.message, "path": error.path})
            else:
                unexpected.append(error)
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(settings: GatewaySettings | None = None) -> strawberry.Schema:
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[ValidationError, NotFoundError, ConflictError, PermissionError],
        config=StrawberryConfig(auto_camel_case=True, name_converter=CachedNameConverter()),
        # Limits, caches and error masking: gateway/limits/ (docs/graphql.md).
        extensions=schema_extensions(settings or get_settings()),
    )
    call_resolvers_directly(schema)  # resolvers without arguments: no wrapper (lean_execution.py)
    return schema


schema = build_schema()

"""The one schema: each domain contributes its Query and Mutation parts."""

from __future__ import annotations

import strawberry
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
from gateway.matching.schema import MatchingMutation, MatchingQuery, MatchingSubscription
from gateway.naming import CachedNameConverter
from gateway.notifications.schema import NotificationsMutation, NotificationsQuery, NotificationsSubscription


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


def build_schema(settings: GatewaySettings | None = None) -> strawberry.Schema:
    schema = strawberry.Schema(
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

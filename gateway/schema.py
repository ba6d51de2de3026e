"""The one schema: each domain contributes its Query and Mutation parts."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from gateway.directory.schema import DirectoryMutation, DirectoryQuery
from gateway.errors import ConflictError, NotFoundError, PermissionError, ValidationError


@strawberry.type(description="Everything a client can read.")
class Query(DirectoryQuery):
    pass


@strawberry.type(description="Everything a client can change.")
class Mutation(DirectoryMutation):
    pass


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[ValidationError, NotFoundError, ConflictError, PermissionError],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            QueryDepthLimiter(max_depth=10),
            MaxTokensLimiter(max_token_count=2000),
            MaxAliasesLimiter(max_alias_count=30),
            ParserCache(maxsize=512),
            ValidationCache(maxsize=512),
            MaskErrors(),
        ],
    )


schema = build_schema()

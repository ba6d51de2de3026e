"""REST shapes of search and bulk import."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from services.directory.schemas import OrganizationIn, OrganizationOut


class SearchPageOut(BaseModel):
    items: list[OrganizationOut]
    cursors: list[str] = []
    next_cursor: str | None = None
    facets: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="kind, country, size, sector, market, verified: value -> matches"
    )
    total: int | None = Field(
        default=None, description="How many organizations match (when facets are asked)"
    )
    exact_counts: bool = Field(
        default=True,
        description="False when total and facets are estimates from a random eighth of the matches "
        "(broad searches on PostgreSQL: above about CONSORCIA_DIRECTORY_SEARCH_EXACT_COUNTS_UP_TO matches, 5,000 "
        "by default). The page itself is always exact.",
    )


class ImportIn(BaseModel):
    organizations: list[OrganizationIn] = Field(max_length=5000)


class ImportOut(BaseModel):
    imported: int
    ids: list[uuid.UUID | None] = Field(description="Per input row: the new id, or null when it was refused")
    errors: list[dict[str, Any]] = Field(description="Per refused row: index, code, message")

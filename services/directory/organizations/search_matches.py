"""What both search dialects share: the filters, where the matches are, and small helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal

from shared.reference import sectors
from shared.text import fold

FACETS = ("kind", "country", "size", "sector", "market", "verified")


@dataclass
class SearchFilters:
    kind: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    size: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    market: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)  # pending | verified | rejected


@dataclass
class Matches:
    """Where one dialect finds the matches: a FROM clause, its id and name-key columns, the score a
    word search orders by (higher first; a constant without words, and on PostgreSQL, whose word
    searches search_page.py orders) and the conditions every match meets."""

    source: Any
    id: Any
    name_key: Any
    score: Any
    conds: list[Any]
    ranked: bool
    # PostgreSQL: the tsquery every match meets, as an SQL constant (None: every row), for the
    # dialect's hand-written statements; and the one the matches whose name holds the words meet.
    tsquery_sql: str | None = None
    name_tsquery_sql: str | None = None


@dataclass
class FacetCounts:
    """Matches per facet value, and in all. ``exact`` is False when both were estimated from a sample
    of the matches (a broad search on PostgreSQL, search_postgres.py)."""

    values: dict[str, dict[str, int]]
    total: int
    exact: bool = True


def sector_codes(codes: list[str]) -> list[str]:
    """The codes asked for and, for a family, its children."""
    known = sectors()
    expanded = set(codes)
    expanded |= {s.code for s in known.values() if s.parent in expanded}
    return sorted(expanded)


def terms_of(query: str) -> list[str]:
    return re.findall(r"\w+", fold(query))


def ordered(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Most matches first, then by value: the order clients show."""
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in facets.items()}


NO_SCORE = literal(0.0)
# A word search's order: matches whose name holds the words, then the rest; within each by rank key
# (search_index.py). The score a cursor carries is NAMED × named − rank_key (rank_key stays below 303).
NAMED = 1000.0

"""Full-text search with facets: PostgreSQL tsvector (Spanish and English stemming over unaccented,
folded text) in production; SQLite FTS5 (``remove_diacritics``, prefix matching) in the embedded default.

Each dialect module says where the matches are (``Matches``) and counts their facets; this module pages
them. A word search puts the organizations whose name holds the words first, then orders by rank key
(badge, then completeness) and id: search_page.py finds that page on PostgreSQL without reading every
match. Without words, by folded name. The index is kept by the use cases (search_index.py). Facet
filters are ORed within a facet and ANDed across facets; a sector family also matches its children.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Organization
from services.directory.organizations import search_page, search_postgres, search_sqlite
from services.directory.organizations.search_index import is_postgres
from services.directory.organizations.search_matches import (
    FACETS,
    FacetCounts,
    Matches,
    SearchFilters,
    terms_of,
)
from shared.errors import DomainError
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor

__all__ = ["FACETS", "SearchFilters", "SearchPage", "search"]


@dataclass
class SearchPage:
    items: list[Any]  # Organizations, or rows of the columns asked for
    cursors: list[str]
    next_cursor: str | None
    facets: dict[str, dict[str, int]]
    total: int | None
    exact: bool = True  # False: total and facets estimated from a sample (search_postgres.facets)


async def search(
    *,
    session: AsyncSession,
    query: str = "",
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    limit: int = 20,
    with_facets: bool = True,
    facet_session: AsyncSession | None = None,
    exact_facets_up_to: int | None = None,
    columns: Sequence[Any] | None = None,
) -> SearchPage:
    """``exact_facets_up_to``: above about this many matches, PostgreSQL estimates the total and the
    facet counts from a sample (None: always exact). ``columns``: only these (a Projection's), as
    rows with attribute access instead of ORM objects."""
    filters = filters or SearchFilters()
    limit = max(1, min(limit, MAX_PAGE))
    terms = terms_of(query)
    dialect = search_postgres if is_postgres(session) else search_sqlite
    if dialect is search_postgres:
        # Reads only: outside a transaction they save a BEGIN and a ROLLBACK round trip per session.
        # Both connections at once: each checkout is a pre-ping of three round trips.
        await asyncio.gather(
            *(
                each.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                for each in ((session, facet_session) if facet_session is not None else (session,))
                if not each.in_transaction()
            )
        )
        words = await search_postgres.words_query(session, terms) if terms else None
        m = search_postgres.matches(filters, terms, words)
    else:
        m = search_sqlite.matches(filters, terms)
    after = _after(cursor, ranked=m.ranked)
    keys = (
        search_page.keys(m, after, limit + 1)
        if m.ranked and m.name_tsquery_sql is not None
        else _keys(m, after, limit + 1)
    )
    # One round trip: the page's keys and the organizations themselves.
    wanted = (Organization,) if columns is None else (Organization.id, *columns)
    page_query = (
        select(*wanted, keys.c.score, keys.c.name_key)
        .join(keys, Organization.id == keys.c.id)
        .order_by(*((keys.c.score.desc(), keys.c.id) if m.ranked else (keys.c.name_key, keys.c.id)))
    )
    counts: FacetCounts | None = None
    if with_facets and facet_session is not None:
        # Both are reads: on two connections they run side by side instead of one after the other.
        # Both finish before either error is raised, so no session is closed under a running query.
        # The facets go first: their statement is sent with little Python work, so both backends are
        # running before the page's ORM statement is built (sent the other way round, the second
        # backend often woke on the busy core and the two shared it: 16 ms instead of 11 on 2 cores).
        done = await asyncio.gather(
            dialect.facets(facet_session, m, exact_up_to=exact_facets_up_to),
            session.execute(page_query),
            return_exceptions=True,
        )
        if failed := next((d for d in done if isinstance(d, BaseException)), None):
            raise failed
        counts, result = done
    else:
        result = await session.execute(page_query)
        if with_facets:
            counts = await dialect.facets(session, m, exact_up_to=exact_facets_up_to)
    rows = result.all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    items = [row[0] for row in rows] if columns is None else rows
    # Each row ends with the page's keys: score, name key.
    ids = [org.id for org in items] if columns is None else [row.id for row in rows]
    cursors = [
        encode_cursor(row[-2] if m.ranked else row[-1], str(ident))
        for row, ident in zip(rows, ids, strict=True)
    ]
    next_cursor = cursors[-1] if has_more and cursors else None
    if counts is None:
        return SearchPage(items, cursors, next_cursor, {}, None)
    return SearchPage(items, cursors, next_cursor, counts.values, counts.total, counts.exact)


def _after(cursor: str | None, *, ranked: bool) -> tuple[Any, uuid.UUID] | None:
    """The cursor's (score, id) when ranked, (name key, id) otherwise."""
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        key, last = values
        if ranked:
            score = float(key)
            if not math.isfinite(score):
                raise ValueError
            return score, uuid.UUID(last)
        if not isinstance(key, str):
            raise ValueError
        return key, uuid.UUID(last)
    except (TypeError, ValueError, AttributeError):
        raise DomainError(
            "validation_error", "the cursor is not one this API issued", details={"cursor": cursor}
        ) from None


def _keys(m: Matches, after: tuple[Any, uuid.UUID] | None, limit: int) -> Any:
    """The page's (id, score, name_key) in order, by the matches' own score or name: SQLite, and
    PostgreSQL without words (search_page.py pages PostgreSQL's word searches)."""
    conds = list(m.conds)
    if m.ranked:
        order = (m.score.desc(), m.id)
        if after is not None:
            s, last = after
            conds.append(or_(m.score < s, and_(m.score == s, m.id > last)))
    else:
        order = (m.name_key, m.id)
        if after is not None:
            key, last = after
            conds.append(or_(m.name_key > key, and_(m.name_key == key, m.id > last)))
    return (
        select(m.id.label("id"), m.score.label("score"), m.name_key.label("name_key"))
        .select_from(m.source)
        .where(*conds)
        .order_by(*order)
        .limit(limit)
        .subquery("ranked")
    )

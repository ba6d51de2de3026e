"""PostgreSQL: the page of a word search, without reading every match.

Matches come in this order (migration 0010): those whose name or acronym holds the words (the ``n:``
lexemes), then the others; within each, by ``rank_key`` (verified before pending before rejected, the
more complete profile first), then id. The score a cursor carries is ``1000 × named − rank_key``.

Each of the two parts is found one of two ways, both in the one statement:

- a probe walks the (rank_key, id) btree from the cursor and tests each row against the tsquery,
  stopping at the page's size: when the matches are many it meets them at once ('ISO 9001': 21 matches
  among the first ≈ 170 rows, under 1 ms where ranking its 12,448 matches took ≈ 17 ms);
- when the probe's rows held fewer matches than a page, the matches are few (or sit low in the
  order), and the GIN index finds them all to be sorted: ≈ 1 µs per match, as every search paid
  before. The probe's rows are bounded, so a rare word pays at most that many reads for it.

A part that is not needed is never run: its branch sits behind a one-time filter on the counts before
it. ``OFFSET 0`` keeps each all-matches branch from being planned as an ordered index scan, which the
planner may pick on an overestimate and which reads the whole table when the words are rare.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import column, text
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.types import Float, String, Uuid

from services.directory.organizations.search_matches import NAMED, Matches

# Rows each probe may read: past this, the matches are rare enough that the GIN index finds them all
# (at most ≈ 21 / PROBE_ROWS of the organizations) for about the probe's cost again.
PROBE_ROWS = 1500
NAMED_PROBE_ROWS = 300  # names are short: most searches have few name matches, and skip straight on
_OPERAND = re.compile(r"'((?:[^']|'')*)'")


def name_words(words: str) -> str:
    """The words' tsquery (text) over the name lexemes: every operand gets the ``n:`` prefix."""
    return _OPERAND.sub(lambda m: f"'n:{m.group(1)}'", words)


def _part(name: str, tsq: str, after: str, limit: int, probe_rows: int, gate: str) -> str:
    """Two CTEs: ``{name}_probe`` and ``{name}``, the part's first ``limit`` matches in order."""
    probe_where = f"WHERE {after}" if after else ""
    and_after = f"AND {after}" if after else ""
    return f"""{name}_probe AS MATERIALIZED (
  SELECT id, rank_key FROM (
    SELECT id, rank_key, search_vector FROM organization_search {probe_where}
    ORDER BY rank_key, id LIMIT {probe_rows}) AS walked
  WHERE {gate} AND search_vector @@ {tsq} LIMIT {limit}),
{name} AS MATERIALIZED (
  SELECT id, rank_key FROM {name}_probe WHERE (SELECT count(*) FROM {name}_probe) = {limit}
  UNION ALL
  (SELECT id, rank_key FROM (
     SELECT id, rank_key FROM organization_search WHERE search_vector @@ {tsq} {and_after} OFFSET 0) AS every
   WHERE {gate} AND (SELECT count(*) FROM {name}_probe) < {limit}
   ORDER BY rank_key, id LIMIT {limit}))"""


def keys(m: Matches, after: tuple[float, uuid.UUID] | None, limit: int) -> Subquery:
    """The page's (id, score, name_key) after the cursor ``after`` (score, id), at most ``limit``."""
    assert m.tsquery_sql is not None and m.name_tsquery_sql is not None
    named_tsq, rest_tsq = m.name_tsquery_sql, f"({m.tsquery_sql} && !!{m.name_tsquery_sql})"
    named_after = rest_after = ""
    in_named = after is None or after[0] > NAMED / 2
    if after is not None:
        # Inlined: an int and a parsed UUID, like the tsquery constants the statement already holds.
        key = round(NAMED - after[0] if in_named else -after[0])
        cursor = f"(rank_key, id) > ({key}, '{after[1]}'::uuid)"
        named_after, rest_after = (cursor, "") if in_named else ("", cursor)
    ctes = []
    if in_named:
        ctes.append(_part("named", named_tsq, named_after, limit, NAMED_PROBE_ROWS, "TRUE"))
        room = f"(SELECT count(*) FROM named) < {limit}"
    else:
        room = "TRUE"
    ctes.append(_part("rest", rest_tsq, rest_after, limit, PROBE_ROWS, room))
    both = (
        f"SELECT id, {NAMED} - rank_key AS score FROM named UNION ALL " if in_named else ""
    ) + "SELECT id, -rank_key AS score FROM rest"
    sql = (
        "WITH "
        + ",\n".join(ctes)
        + f"\nSELECT id, score::float8 AS score, '' AS name_key FROM ({both}) AS page "
        f"ORDER BY score DESC, id LIMIT {limit}"
    )
    # Every colon escaped: text() would take the one in 'n:cacao' or '::' for a bind parameter.
    return (
        text(sql.replace(":", "\\:"))
        .columns(column("id", Uuid), column("score", Float), column("name_key", String))
        .subquery("ranked")
    )

"""organization_search: name lexemes and a rank key, so a word search pages without ranking every match

Revision ID: 0010_search_name_rank
Revises: 0009_search_buckets_families
Create Date: 2026-11-29 13:00:00

A word search used to order its matches by ``ts_rank``, which read every match's row and scored it: a
broad search (12,448 matches for 'ISO 9001') spent ≈ 17 ms on its first page, and in this directory's
text the score mostly tied (all 12,448 the same). Search now orders its matches by

1. whether the organization's name or acronym holds the words (each row carries them once more, as
   ``n:<lexeme>``, so the same GIN index finds those first), then
2. ``rank_key``: verified before pending before rejected, and the more complete profile first, then
3. the id.

With a btree on (rank_key, id), the first page of a broad search is the first matches met walking
that index, and only they are read (search_page.py). Each row gains its name words and rank key from
its organizations row (a frozen copy of the use cases' SQL: migrations never import the app); the
table is written afresh rather than updated (``rebuild``): ≈ 6 s for 100,000 organizations, with the
table locked meanwhile.

SQLite: the FTS5 table gains a ``name`` column (name and acronym), which a column filter searches.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_search_name_rank"
down_revision: str | None = "0009_search_buckets_families"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The name words as services/directory/organizations/search_index.py writes them (a frozen copy), added
# to each row's vector (any earlier ones dropped first), and the rank key.
_NAME_WORDS = "ARRAY(SELECT lexeme FROM unnest(r.search_vector) WHERE lexeme LIKE 'n:%')"
_COLUMNS = "id, name_key, kind, country, size_class, verification_status, sector_key, market_key"
_ROWS = f"""
    SELECT {", ".join("r." + c for c in _COLUMNS.split(", "))},
           ts_delete(r.search_vector, {_NAME_WORDS}) || array_to_tsvector(ARRAY(
               SELECT 'n:' || lexeme
               FROM unnest(to_tsvector('spanish'::regconfig, n.words) || to_tsvector('english'::regconfig, n.words)))),
           ((CASE o.verification_status WHEN 'verified' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END) * 101
            + 100 - least(greatest(o.completeness, 0), 100))::smallint
    FROM search_before r
    JOIN organizations o ON o.id = r.id
    CROSS JOIN LATERAL (SELECT o.name_key || ' ' || lower(consorcia_unaccent(coalesce(o.acronym, '')))
                        AS words) n
"""


def rebuild() -> list[str]:
    """Every row written afresh with its name words and rank key. Not an UPDATE: that leaves a dead
    version of every row, and searches read twice the pages (p95 25.6 ms against 13 on 100,000
    organizations) until a vacuum, half-empty ones after it (15.5). The rows are copied aside, the
    table emptied (a new file) and filled again; its GIN index is built once afterwards."""
    return [
        "CREATE TEMPORARY TABLE search_before ON COMMIT DROP AS SELECT * FROM organization_search",
        "DROP INDEX ix_organization_search_vector",
        "TRUNCATE organization_search",
        f"INSERT INTO organization_search ({_COLUMNS}, search_vector, rank_key) {_ROWS}",
        "CREATE INDEX ix_organization_search_vector ON organization_search USING gin (search_vector) "
        "WITH (gin_pending_list_limit = 256)",
        "DROP TABLE search_before",
    ]


_FTS = "tokenize = 'unicode61 remove_diacritics 2'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE organization_search ADD COLUMN rank_key smallint NOT NULL DEFAULT 0")
        for statement in rebuild():
            op.execute(statement)
        op.execute("CREATE INDEX ix_organization_search_rank ON organization_search (rank_key, id)")
        op.execute("ANALYZE organization_search")
        return
    op.execute("DROP TABLE organization_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE organization_fts USING fts5(organization_id UNINDEXED, name, body, {_FTS})"
    )
    op.execute(
        "INSERT INTO organization_fts (organization_id, name, body) "
        "SELECT id, name || ' ' || coalesce(acronym, ''), search_text FROM organizations WHERE deleted_at IS NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organization_search_rank")
        op.execute("ALTER TABLE organization_search DROP COLUMN rank_key")
        op.execute(
            f"UPDATE organization_search AS r SET search_vector = ts_delete(r.search_vector, {_NAME_WORDS})"
        )
        return
    op.execute("DROP TABLE organization_fts")
    op.execute(f"CREATE VIRTUAL TABLE organization_fts USING fts5(organization_id UNINDEXED, body, {_FTS})")
    op.execute(
        "INSERT INTO organization_fts (organization_id, body) "
        "SELECT id, search_text FROM organizations WHERE deleted_at IS NULL"
    )

"""organization_search: a narrow search table on PostgreSQL, with facet values ready to count

Revision ID: 0007_organization_search
Revises: 0006_profiles_facet_indexes
Create Date: 2026-11-29 08:30:00

Search read every match's organizations row (about 1.7 kB: products, figures, JSON lists), filtered
sectors and markets through GIN indexes of their own and counted them by parsing each row's JSON lists.
organization_search keeps one row per live organization with only what search reads:

- the single-valued facets (kind, country, size class, badge) as columns;
- the sector and market lists each as one canonical string (sorted codes joined by spaces):
  grouping by a short string is far cheaper than unnesting a list per row or hashing an array;
- the tsvector, which moves here from organizations, plus one lexeme per facet value
  (``kind:sme``, ``country:MX``, ``sector:cacao``, ``market:US``…, lexemes no text can produce): a
  filter is then part of the tsquery, and the one GIN index intersects words and filters itself
  before any row is read, instead of a bitmap per filter or reading every text match to filter it.

The use cases keep it (search_index.py). JIT is turned off for the database. SQLite: no change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_organization_search"
down_revision: str | None = "0006_profiles_facet_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of services/directory/organizations/search_index.py's row (migrations never import the app).
_ROWS = """
    SELECT o.id, o.name_key, o.kind, o.country, o.size_class, o.verification_status,
           array_to_string(s.codes, ' '), array_to_string(m.codes, ' '),
           to_tsvector('spanish'::regconfig, o.search_text) || to_tsvector('english'::regconfig, o.search_text)
           || array_to_tsvector(
               array_remove(ARRAY['kind:' || o.kind, 'country:' || o.country, 'size:' || o.size_class,
                                  'verified:' || o.verification_status], NULL)
               || ARRAY(SELECT 'sector:' || v FROM unnest(s.codes) AS v)
               || ARRAY(SELECT 'market:' || v FROM unnest(m.codes) AS v))
    FROM organizations o
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}') AS codes
                        FROM json_array_elements_text(o.sectors) AS v) s
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}') AS codes
                        FROM json_array_elements_text(o.target_markets) AS v) m
    WHERE o.deleted_at IS NULL
"""
_COLUMNS = (
    "id, name_key, kind, country, size_class, verification_status, sector_key, market_key, search_vector"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE organization_search ("
        " id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,"
        " name_key varchar(200) NOT NULL,"
        " kind varchar(40) NOT NULL,"
        " country varchar(2),"
        " size_class varchar(10),"
        " verification_status varchar(20) NOT NULL,"
        " sector_key text NOT NULL,"
        " market_key text NOT NULL,"
        " search_vector tsvector NOT NULL)"
    )
    op.execute(f"INSERT INTO organization_search ({_COLUMNS}) {_ROWS}")
    op.execute("CREATE INDEX ix_organization_search_vector ON organization_search USING gin (search_vector)")
    # Browsing without words pages by name; filters (country included) are in the GIN index.
    op.execute("CREATE INDEX ix_organization_search_name ON organization_search (name_key, id)")
    op.execute("ANALYZE organization_search")
    # Directory's statements are short; a planner's overestimate could still cross jit_above_cost, and
    # compiling would take longer than the query. Off for the database, rather than a SET LOCAL (one
    # more round trip) in every search. A role that may not alter its database keeps the default.
    op.execute(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = off', current_database()); "
        "EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING 'jit stays on: %', SQLERRM; END $$"
    )
    # Everything search reads is in organization_search now: the wide table keeps no tsvector or GIN.
    op.execute("DROP INDEX IF EXISTS ix_organizations_markets_gin")
    op.execute("DROP INDEX IF EXISTS ix_organizations_sectors_gin")
    op.execute("DROP INDEX IF EXISTS ix_organizations_search_vector")
    op.execute("ALTER TABLE organizations DROP COLUMN IF EXISTS search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET jit', current_database()); END $$")
    op.execute("DROP TABLE IF EXISTS organization_search")
    op.execute(
        "ALTER TABLE organizations ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "to_tsvector('spanish'::regconfig, search_text) || to_tsvector('english'::regconfig, search_text)"
        ") STORED"
    )
    op.execute("CREATE INDEX ix_organizations_search_vector ON organizations USING gin (search_vector)")
    op.execute("CREATE INDEX ix_organizations_sectors_gin ON organizations USING gin ((sectors::jsonb))")
    op.execute(
        "CREATE INDEX ix_organizations_markets_gin ON organizations USING gin ((target_markets::jsonb))"
    )

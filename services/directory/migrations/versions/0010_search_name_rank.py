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
that index, and only they are read (search_page.py). Each row is rebuilt from its organizations row (a
frozen copy of the use cases' SQL: migrations never import the app).

SQLite: the FTS5 table gains a ``name`` column (name and acronym), which a column filter searches.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_search_name_rank"
down_revision: str | None = "0009_search_buckets_families"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FAMILIES = """(VALUES
    ('aeronautical-services', 'services'), ('agroforestry-wood', 'forestry-wood'),
    ('apparel-fashion', 'textiles-apparel'), ('autoparts', 'manufacturing'),
    ('biotechnology', 'technology'), ('cacao', 'agroindustry'), ('cereals-quinoa', 'agroindustry'),
    ('chemicals-pharma', 'chemicals-life-sciences'), ('coffee', 'agroindustry'),
    ('cosmetics', 'chemicals-life-sciences'), ('creative-industries', 'handicrafts-creative'),
    ('fisheries-aquaculture', 'agroindustry'), ('floriculture', 'agroindustry'),
    ('food-beverages', 'agroindustry'), ('fruit-vegetables', 'agroindustry'),
    ('furniture-decoration', 'forestry-wood'), ('gifts', 'handicrafts-creative'),
    ('handicrafts', 'handicrafts-creative'), ('health-beauty', 'chemicals-life-sciences'),
    ('honey', 'agroindustry'), ('leather-footwear', 'textiles-apparel'),
    ('logistics-services', 'services'), ('medical-tourism', 'services'),
    ('metal-mechanics', 'manufacturing'), ('paper', 'forestry-wood'),
    ('phytopharmaceuticals', 'chemicals-life-sciences'), ('plastics', 'manufacturing'),
    ('renewable-energy', 'energy'), ('software-ict', 'technology'), ('textiles', 'textiles-apparel'),
    ('tourism', 'services')
) AS family(code, parent)"""

# Frozen copy of services/directory/organizations/search_index.py's row: vector and rank key.
REBUILD = f"""
    UPDATE organization_search AS r SET search_vector = n.vector, rank_key = n.rank_key FROM (
    SELECT o.id,
           to_tsvector('spanish'::regconfig, o.search_text) || to_tsvector('english'::regconfig, o.search_text)
           || array_to_tsvector(ARRAY(
               SELECT 'n:' || lexeme
               FROM unnest(to_tsvector('spanish'::regconfig, n.words) || to_tsvector('english'::regconfig, n.words))))
           || array_to_tsvector(
               array_remove(ARRAY['kind:' || o.kind, 'country:' || o.country, 'size:' || o.size_class,
                                  'verified:' || o.verification_status,
                                  'bucket:' || (get_byte(uuid_send(o.id), 0) >> 5)], NULL)
               || ARRAY(SELECT 'sector:' || code FROM unnest(s.codes) AS v,
                        LATERAL (SELECT v UNION SELECT parent FROM {_FAMILIES} WHERE family.code = v) AS up(code))
               || ARRAY(SELECT 'market:' || v FROM unnest(m.codes) AS v)) AS vector,
           ((CASE o.verification_status WHEN 'verified' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END) * 101
            + 100 - least(greatest(o.completeness, 0), 100))::smallint AS rank_key
    FROM organizations o
    CROSS JOIN LATERAL (SELECT o.name_key || ' ' || lower(consorcia_unaccent(coalesce(o.acronym, '')))
                        AS words) n
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.sectors) AS v) s
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.target_markets) AS v) m
    WHERE o.deleted_at IS NULL) AS n
    WHERE r.id = n.id
"""
_FTS = "tokenize = 'unicode61 remove_diacritics 2'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE organization_search ADD COLUMN rank_key smallint NOT NULL DEFAULT 0")
        op.execute(REBUILD)
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
            "UPDATE organization_search SET search_vector = ts_delete(search_vector, "
            "ARRAY(SELECT lexeme FROM unnest(search_vector) WHERE lexeme LIKE 'n:%'))"
        )
        return
    op.execute("DROP TABLE organization_fts")
    op.execute(f"CREATE VIRTUAL TABLE organization_fts USING fts5(organization_id UNINDEXED, body, {_FTS})")
    op.execute(
        "INSERT INTO organization_fts (organization_id, body) "
        "SELECT id, search_text FROM organizations WHERE deleted_at IS NULL"
    )

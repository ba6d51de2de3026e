"""organization_search: sample buckets and sector families in every row's tsvector

Revision ID: 0009_search_buckets_families
Revises: 0008_seed_values
Create Date: 2026-11-29 11:20:00

Two lexemes more per row, both written by the use cases from now on (search_index.py):

- ``bucket:N``, N being the first three bits of the (random) id: ``bucket:0`` holds a random eighth
  of the organizations, and the one GIN index can intersect any query with it. Counting the facets of
  a search reads every match; a broad search now counts them over its matches in that eighth and says
  the counts are estimates (search_postgres.py).
- ``sector:<family>`` on the rows of the family's children (``sector:agroindustry`` on a cacao
  producer's row): a family filter is one lexeme instead of an OR over the family's nine children,
  whose posting lists cost ≈ 4 ms per search to merge.

Each vector is rebuilt from its organizations row (a frozen copy of the row's SQL: migrations never
import the app). The table is rewritten once; autovacuum reclaims the old rows.

The GIN index keeps at most 256 kB of pending entries (``gin_pending_list_limit``; 4 MB by
default): every search reads the whole pending list, and 2,000 registrations waiting there cost
each search ≈ 1.2 ms until a vacuum merged them. Writes still go through the list, in batches, so
bulk imports keep their speed. SQLite: no change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_search_buckets_families"
down_revision: str | None = "0008_seed_values"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# shared/reference/sectors.json's child -> family pairs when this migration was written.
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


def _vectors(*, buckets_and_families: bool) -> str:
    extra = (
        """, 'bucket:' || (get_byte(uuid_send(o.id), 0) >> 5)], NULL)
               || ARRAY(SELECT 'sector:' || code FROM unnest(s.codes) AS v,
                        LATERAL (SELECT v UNION SELECT parent FROM """
        + _FAMILIES
        + """ WHERE family.code = v) AS up(code))"""
        if buckets_and_families
        else """], NULL)
               || ARRAY(SELECT 'sector:' || v FROM unnest(s.codes) AS v)"""
    )
    return f"""
    UPDATE organization_search AS r SET search_vector = n.vector FROM (
    SELECT o.id,
           to_tsvector('spanish'::regconfig, o.search_text) || to_tsvector('english'::regconfig, o.search_text)
           || array_to_tsvector(
               array_remove(ARRAY['kind:' || o.kind, 'country:' || o.country, 'size:' || o.size_class,
                                  'verified:' || o.verification_status{extra}
               || ARRAY(SELECT 'market:' || v FROM unnest(m.codes) AS v)) AS vector
    FROM organizations o
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.sectors) AS v) s
    CROSS JOIN LATERAL (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{{}}') AS codes
                        FROM json_array_elements_text(o.target_markets) AS v) m
    WHERE o.deleted_at IS NULL) AS n
    WHERE r.id = n.id
    """


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_vectors(buckets_and_families=True))
        op.execute("ALTER INDEX ix_organization_search_vector SET (gin_pending_list_limit = 256)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_organization_search_vector RESET (gin_pending_list_limit)")
        op.execute(_vectors(buckets_and_families=False))

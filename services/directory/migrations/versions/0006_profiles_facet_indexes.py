"""profiles: indexes for search filters — GIN over the sector and market lists (PostgreSQL), country + name

Revision ID: 0006_profiles_facet_indexes
Revises: 0005_profiles_unaccent
Create Date: 2026-11-29 06:10:00

With GIN indexes on ``sectors::jsonb`` and ``target_markets::jsonb`` a filtered search combines them with
the full-text and country indexes in one bitmap, instead of walking every row of a popular tag.
Browsing a country by name (no words) reads ``(country, name_key, id)`` in order.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_profiles_facet_indexes"
down_revision: str | None = "0005_profiles_unaccent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_organizations_country_name", "organizations", ["country", "name_key", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_organizations_sectors_gin ON organizations USING gin ((sectors::jsonb))")
        op.execute(
            "CREATE INDEX ix_organizations_markets_gin ON organizations USING gin ((target_markets::jsonb))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organizations_markets_gin")
        op.execute("DROP INDEX IF EXISTS ix_organizations_sectors_gin")
    op.drop_index("ix_organizations_country_name", table_name="organizations")

"""profiles: an IMMUTABLE unaccent wrapper, so a search's tsquery is folded into a constant at plan time

Revision ID: 0005_profiles_unaccent
Revises: 0004_consortia_verification
Create Date: 2026-11-29 06:00:00

unaccent() is only STABLE (its dictionary could change), so the planner re-evaluated the whole
tsquery — stemming included — for every matching row. The dictionary is fixed here, which is the
documented way to make it IMMUTABLE. PostgreSQL only; SQLite's FTS5 folds accents by itself.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_profiles_unaccent"
down_revision: str | None = "0004_consortia_verification"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION consorcia_unaccent(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consorcia_unaccent(text)")

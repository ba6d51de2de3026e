"""organizations.seed_values: what the seed said about a seeded organization when it was last applied

Revision ID: 0008_seed_values
Revises: 0007_organization_search
Create Date: 2026-11-29 08:40:00

The seed loader compares a seed row with this to find what the curators changed since, and applies
only that through the update use case; fields its managers edited and the seed did not are kept.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_seed_values"
down_revision: str | None = "0007_organization_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("seed_values", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("seed_values")

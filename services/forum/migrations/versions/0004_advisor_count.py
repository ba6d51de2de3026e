"""advisory_requests.advisor_count: how many advisors a request reached when it was asked

Revision ID: 0004_advisor_count
Revises: 0003_post_search
Create Date: 2026-11-29 10:15:00

An asker whose topic and country no advisor covers yet must be told so (the request then waits for
its escalation); counting the routes on every read would cost a join per page.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_advisor_count"
down_revision: str | None = "0003_post_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("advisory_requests") as batch:
        batch.add_column(sa.Column("advisor_count", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE advisory_requests SET advisor_count = "
        "(SELECT count(*) FROM advisory_routes r WHERE r.request_id = advisory_requests.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("advisory_requests") as batch:
        batch.drop_column("advisor_count")

"""profiles: the full organization profile, search index, check-ups, financing, knowledge base, participants

Revision ID: 0003_profiles
Revises: 0002_accounts
Create Date: 2026-11-29 05:55:00

On SQLite, making ``organizations.country`` nullable (regional bodies have no country) copies the table
(Alembic batch mode); it runs on a fresh database at first start-up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_profiles"
down_revision: str | None = "0002_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON_LIST = sa.text("'[]'")
_JSON_DICT = sa.text("'{}'")


def _profile_columns() -> list[sa.Column]:
    return [
        sa.Column("province", sa.String(120), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("products", sa.JSON(), nullable=False, server_default=_JSON_LIST),
        sa.Column("value_chain_role", sa.String(40), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("size_class", sa.String(10), nullable=True),
        sa.Column("export_status", sa.String(20), nullable=True),
        sa.Column("target_markets", sa.JSON(), nullable=False, server_default=_JSON_LIST),
        sa.Column("certifications", sa.JSON(), nullable=False, server_default=_JSON_LIST),
        sa.Column("languages", sa.JSON(), nullable=False, server_default=_JSON_LIST),
        sa.Column("offers", sa.Text(), nullable=False, server_default=""),
        sa.Column("seeks", sa.Text(), nullable=False, server_default=""),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("founded_year", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False, server_default=_JSON_DICT),
        sa.Column("export_checkup_score", sa.Integer(), nullable=True),
        sa.Column("completeness", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("organizations") as batch:
        for column in _profile_columns():
            batch.add_column(column)
        batch.alter_column("country", existing_type=sa.String(2), nullable=True)
        batch.create_index("ix_organizations_country_kind", ["country", "kind"])
        batch.create_index("ix_organizations_size_class", ["size_class"])
        batch.create_index("ix_organizations_name_key_id", ["name_key", "id"])

    op.create_table(
        "organization_tags",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("facet", sa.String(10), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id", "facet", "value"),
    )
    op.create_index(
        "ix_organization_tags_facet_value", "organization_tags", ["facet", "value", "organization_id"]
    )

    op.create_table(
        "export_checkups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("dimension_scores", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_export_checkups_org_time", "export_checkups", ["organization_id", "created_at"])

    op.create_table(
        "financing_programmes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme", sa.String(300), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("instrument", sa.String(40), nullable=True),
        sa.Column("instrument_inferred", sa.Boolean(), nullable=False),
        sa.Column("eligible_es", sa.Text(), nullable=False),
        sa.Column("eligible_en", sa.Text(), nullable=False),
        sa.Column("description_es", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("seed_key", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["institution_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["country"], ["countries.iso2"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seed_key"),
    )
    op.create_index("ix_financing_programmes_country", "financing_programmes", ["country"])
    op.create_index("ix_financing_programmes_instrument", "financing_programmes", ["instrument"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("symbol", sa.String(60), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("presenter", sa.String(200), nullable=True),
        sa.Column("presenter_role", sa.Text(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("session", sa.String(120), nullable=True),
        sa.Column("summary_es", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("text_es", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("seed_key", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["country"], ["countries.iso2"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seed_key"),
    )
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.create_index("ix_documents_country", "documents", ["country"])
    op.create_index("ix_documents_session", "documents", ["session"])

    op.create_table(
        "participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("other_emails", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(200), nullable=True),
        sa.Column("in_participant_list", sa.Boolean(), nullable=False),
        sa.Column("members_only", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("seed_key", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["country"], ["countries.iso2"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seed_key"),
    )

    if postgres:
        # Folded text (accents and case removed in Python) is stemmed in both languages; unaccent also
        # folds the query side, so "CAFÉ" finds "cafe".
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute(
            "ALTER TABLE organizations ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "to_tsvector('spanish'::regconfig, search_text) || to_tsvector('english'::regconfig, search_text)"
            ") STORED"
        )
        op.execute("CREATE INDEX ix_organizations_search_vector ON organizations USING gin (search_vector)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE organization_fts USING fts5("
            "organization_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organizations_search_vector")
        op.execute("ALTER TABLE organizations DROP COLUMN IF EXISTS search_vector")
    else:
        op.execute("DROP TABLE IF EXISTS organization_fts")
    for table in (
        "participants",
        "documents",
        "financing_programmes",
        "export_checkups",
        "organization_tags",
    ):
        op.drop_table(table)
    with op.batch_alter_table("organizations") as batch:
        batch.drop_index("ix_organizations_name_key_id")
        batch.drop_index("ix_organizations_size_class")
        batch.drop_index("ix_organizations_country_kind")
        batch.alter_column("country", existing_type=sa.String(2), nullable=False)
        for column in reversed(_profile_columns()):
            batch.drop_column(column.name)

"""post_search: a narrow search table on PostgreSQL

Revision ID: 0003_post_search
Revises: 0002_forum
Create Date: 2026-11-29 08:20:00

Search ranked matches by reading each one's posts row, Markdown and HTML included: at a million posts
that is a wide heap row per match. post_search keeps only what search reads (post, thread, space,
whether the space is public, created_at, the tsvector), one row per *searchable* post: hidden and
deleted posts, and posts of deleted threads, have none, so search needs no join to filter them.
Triggers keep it in step with posts and threads (as SQLite's FTS5 table is kept). SQLite: no change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_post_search"
down_revision: str | None = "0002_forum"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The row a searchable post has; shared by the post trigger, the thread trigger and the backfill.
_ROWS = """
    SELECT p.id, p.thread_id, t.space_id, NOT s.is_private, p.created_at,
           to_tsvector('simple'::regconfig, p.search_text)
    FROM posts p JOIN threads t ON t.id = p.thread_id JOIN spaces s ON s.id = t.space_id
    WHERE p.deleted_at IS NULL AND NOT p.hidden AND t.deleted_at IS NULL
"""
_COLUMNS = "post_id, thread_id, space_id, public, created_at, vector"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Fixed-width columns first: no alignment padding in a table read a million rows at a time.
    op.execute(
        "CREATE TABLE post_search ("
        " created_at timestamptz NOT NULL,"
        " post_id uuid PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,"
        " thread_id uuid NOT NULL,"
        " space_id uuid NOT NULL,"
        " public boolean NOT NULL,"
        " vector tsvector NOT NULL)"
    )
    op.execute(f"INSERT INTO post_search ({_COLUMNS}) {_ROWS}")
    op.execute("CREATE INDEX ix_post_search_vector ON post_search USING gin (vector)")
    op.execute("CREATE INDEX ix_post_search_created ON post_search (created_at)")
    op.execute("CREATE INDEX ix_post_search_space_created ON post_search (space_id, created_at)")
    op.execute("CREATE INDEX ix_post_search_thread ON post_search (thread_id)")
    op.execute(
        f"""
        CREATE FUNCTION post_search_sync_post() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM post_search WHERE post_id = NEW.id;
            INSERT INTO post_search ({_COLUMNS}) {_ROWS} AND p.id = NEW.id;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER posts_search_sync AFTER INSERT OR UPDATE OF search_text, hidden, deleted_at "
        "ON posts FOR EACH ROW EXECUTE FUNCTION post_search_sync_post()"
    )
    op.execute(
        f"""
        CREATE FUNCTION post_search_sync_thread() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM post_search WHERE thread_id = NEW.id;
            INSERT INTO post_search ({_COLUMNS}) {_ROWS} AND t.id = NEW.id;
            RETURN NULL;
        END $$
        """
    )
    # Rare (a thread deleted, restored or moved): its posts leave or re-enter search together.
    op.execute(
        "CREATE TRIGGER threads_search_sync AFTER UPDATE OF deleted_at, space_id ON threads "
        "FOR EACH ROW WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.space_id <> NEW.space_id) "
        "EXECUTE FUNCTION post_search_sync_thread()"
    )
    # Everything search needs is in post_search now; the wide table no longer carries a tsvector.
    op.execute("DROP INDEX IF EXISTS ix_posts_search")
    op.execute("ALTER TABLE posts DROP COLUMN IF EXISTS search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS threads_search_sync ON threads")
    op.execute("DROP TRIGGER IF EXISTS posts_search_sync ON posts")
    op.execute("DROP FUNCTION IF EXISTS post_search_sync_thread()")
    op.execute("DROP FUNCTION IF EXISTS post_search_sync_post()")
    op.execute("DROP TABLE IF EXISTS post_search")
    op.execute(
        "ALTER TABLE posts ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_posts_search ON posts USING gin (search_vector)")

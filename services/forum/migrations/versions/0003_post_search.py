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

# Posts are numbered (seq) as they enter search, and every BUCKET consecutive ones share a lexeme
# '@<seq / BUCKET>' in their vector: the GIN index can then look among the newest posts only, whose
# pages are hot, without the planner's help (services/forum/service/search_postgres.py). The '@'
# keeps the lexeme out of reach of what people type: the parser drops it from queries.
BUCKET = 10_000
_VECTOR = (
    "to_tsvector('simple'::regconfig, p.search_text) || array_to_tsvector(ARRAY['@' || ({seq} / "
    + str(BUCKET)
    + ")::text])"
)
# Queries match word prefixes ("financ" finds "financiacion"). A GIN index over the words themselves
# answers a prefix by merging the posting lists of every word that starts with it, a bitmap as big
# as the matches (a common prefix: most of a million posts) before a single row is read. So the
# index holds every prefix of four letters or more of each word (and words shorter than that
# whole, and the bucket lexemes), and a query word is one exact entry: read in order, skipped
# through when another word of the query is rarer. The vector itself stays as it was, for ranking.
PREFIXES_FUNCTION = """
    CREATE FUNCTION forum_prefixes(v tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT array_to_tsvector(coalesce(array_agg(DISTINCT p), '{}')) FROM (
            SELECT substr(lex, 1, n) AS p FROM unnest(tsvector_to_array(v)) lex, generate_series(4, length(lex)) n
            UNION ALL SELECT lex FROM unnest(tsvector_to_array(v)) lex WHERE length(lex) < 4 OR lex LIKE '@%'
        ) prefixes
    $$
"""
# fastupdate off: a post's hundred-odd entries go in place when it is written, rather than into a
# pending list every search would scan until a vacuum merges it (searches outnumber posts).
PREFIXES_INDEX = (
    "CREATE INDEX ix_post_search_prefixes ON post_search USING gin (forum_prefixes(vector)) "
    "WITH (fastupdate = off)"
)
# The rows of searchable posts: shared by the post trigger, the thread trigger and the backfill.
_ROWS = """
    SELECT {seq}, p.id, p.thread_id, t.space_id, NOT s.is_private, p.created_at, {vector}
    FROM posts p JOIN threads t ON t.id = p.thread_id JOIN spaces s ON s.id = t.space_id
    WHERE p.deleted_at IS NULL AND NOT p.hidden AND t.deleted_at IS NULL
"""
_COLUMNS = "seq, post_id, thread_id, space_id, public, created_at, vector"


def _rows(seq: str) -> str:
    return _ROWS.format(seq=seq, vector=_VECTOR.format(seq=seq))


def _numbered(posts: str) -> str:
    """The rows of the posts matching `posts`, numbered oldest first (seq, and buckets, follow time)."""
    numbered = (
        "FROM (SELECT id, nextval('post_search_seq') AS seq FROM (SELECT id FROM posts WHERE "
        + posts
        + " ORDER BY created_at, id) oldest_first) o JOIN posts p ON p.id = o.id"
    )
    return _rows("o.seq").replace("FROM posts p", numbered)


def backfill() -> str:
    """Every searchable post into post_search (bench/forum_search.py uses it after a bulk load)."""
    return f"INSERT INTO post_search ({_COLUMNS}) {_numbered('TRUE')}"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Fixed-width columns first: no alignment padding in a table read a million rows at a time.
    op.execute("CREATE SEQUENCE post_search_seq")
    op.execute(
        "CREATE TABLE post_search ("
        " seq bigint NOT NULL,"
        " created_at timestamptz NOT NULL,"
        " post_id uuid PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,"
        " thread_id uuid NOT NULL,"
        " space_id uuid NOT NULL,"
        " public boolean NOT NULL,"
        " vector tsvector NOT NULL)"
    )
    op.execute(backfill())
    op.execute(PREFIXES_FUNCTION)
    op.execute(PREFIXES_INDEX)
    op.execute("CREATE INDEX ix_post_search_created ON post_search (created_at)")
    op.execute("CREATE INDEX ix_post_search_space_created ON post_search (space_id, created_at)")
    op.execute("CREATE INDEX ix_post_search_thread ON post_search (thread_id)")
    # An edited post keeps its number (and bucket); a post that comes back (restored) gets a new one.
    op.execute(
        f"""
        CREATE FUNCTION post_search_sync_post() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE n_seq bigint;
        BEGIN
            DELETE FROM post_search WHERE post_id = NEW.id RETURNING seq INTO n_seq;
            IF NEW.hidden OR NEW.deleted_at IS NOT NULL THEN
                RETURN NULL;
            END IF;
            n_seq := coalesce(n_seq, nextval('post_search_seq'));
            INSERT INTO post_search ({_COLUMNS}) {_rows("n_seq")} AND p.id = NEW.id;
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
            INSERT INTO post_search ({_COLUMNS}) {_numbered("thread_id = NEW.id")} AND t.id = NEW.id;
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
    op.execute("DROP SEQUENCE IF EXISTS post_search_seq")
    op.execute("DROP FUNCTION IF EXISTS forum_prefixes(tsvector)")
    op.execute(
        "ALTER TABLE posts ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_posts_search ON posts USING gin (search_vector)")

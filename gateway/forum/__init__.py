"""Forum's part of the schema: spaces, threads, posts, advisory, moderation, search, live posts."""

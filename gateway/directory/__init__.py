"""Directory's part of the schema: organizations, countries."""

"""GraphQL for matching: suggestions with reasons, answers, formation proposals, live matches."""

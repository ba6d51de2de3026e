"""Forum's use cases: the only code that changes forum's state. Each takes the session keyword-only."""

"""Code every Consorcia service shares: settings, logging, errors, database, events, outbox, consumers."""

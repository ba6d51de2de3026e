"""Pure matching logic: no database, no broker. Profiles in, scored suggestions with reasons out."""

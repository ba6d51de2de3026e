"""Directory: who is in the network — organizations, people, consortia and reference data."""

"""The organization side of directory: profile rules, search, check-up, bulk import."""

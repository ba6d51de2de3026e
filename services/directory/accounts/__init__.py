"""People and accounts: users, their roles, their places in organizations, password resets, API keys."""

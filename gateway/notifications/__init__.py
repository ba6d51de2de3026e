"""Notifications's part of the schema: inbox, subscriptions, preferences, webhooks, the live feed."""

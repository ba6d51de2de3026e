"""Notifications: in-app, real-time, e-mail and signed webhook alerts."""

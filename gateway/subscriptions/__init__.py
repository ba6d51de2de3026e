"""Shared plumbing for GraphQL subscriptions: live NATS feeds and the WebSocket handshake's identity."""

from gateway.subscriptions.live import LiveHub, live, principal_of, require_principal

__all__ = ["LiveHub", "live", "principal_of", "require_principal"]

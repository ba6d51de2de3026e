"""Live fan-out over core NATS (not JetStream): what a connected client should see right now.

Durable facts travel in the streams; these subjects carry only pushes to open GraphQL subscriptions,
so they live under ``live.`` where no stream captures them. A client that was offline reads its
inbox instead of replaying pushes.
"""

from __future__ import annotations

from shared.config import InfrastructureSettings


def user_notifications(settings: InfrastructureSettings, user_id: str) -> str:
    return settings.subject(f"live.notifications.user.{user_id}")


def thread_posts(settings: InfrastructureSettings, thread_id: str) -> str:
    return settings.subject(f"live.forum.thread.{thread_id}")


def organization_matches(settings: InfrastructureSettings, organization_id: str) -> str:
    return settings.subject(f"live.matching.organization.{organization_id}")

"""Notifications's queries, mutations and the live `notifications` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from gateway.clients import ServiceError
from gateway.config import get_settings
from gateway.errors import from_service_error
from gateway.notifications.types import (
    Deleted,
    DeleteResult,
    MarkReadResult,
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationSubscription,
    PreferencesResult,
    PreferencesSuccess,
    SubscribeInput,
    SubscriptionResult,
    SubscriptionSuccess,
    UpdatePreferencesInput,
    UpdateSubscriptionInput,
)
from gateway.notifications.webhooks import WebhooksMutation, WebhooksQuery
from gateway.pagination import Connection
from gateway.subscriptions import live, require_principal
from shared.messaging.live import user_notifications


def _clean(value: Any) -> Any:
    """strawberry.asdict keeps enums and Nones; the service wants plain values and no nulls."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return getattr(value, "value", value)


@strawberry.type
class NotificationsQuery(WebhooksQuery):
    @strawberry.field(description="Your inbox, newest first.")
    async def notifications(
        self, info: strawberry.Info, first: int = 20, after: str | None = None, unread_only: bool = False
    ) -> Connection[Notification]:
        info.context.identity.require()
        params = {
            "limit": first,
            "unread_only": str(unread_only).lower(),
            **({"cursor": after} if after else {}),
        }
        page = await info.context.clients.notifications.get("/notifications", params=params)
        return Connection.of(
            [Notification.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @strawberry.field(description="How many inbox entries you have not read.")
    async def unread_notification_count(self, info: strawberry.Info) -> int:
        info.context.identity.require()
        return (await info.context.clients.notifications.get("/notifications/unread-count"))["count"]

    @strawberry.field(description="Your standing subscriptions to kinds of events.")
    async def notification_subscriptions(
        self, info: strawberry.Info, first: int = 50, after: str | None = None
    ) -> Connection[NotificationSubscription]:
        info.context.identity.require()
        params = {"limit": first, **({"cursor": after} if after else {})}
        page = await info.context.clients.notifications.get("/subscriptions", params=params)
        nodes = [NotificationSubscription.from_row(r) for r in page["items"]]
        return Connection.of(nodes, page["cursors"], page["next_cursor"])

    @strawberry.field(description="Every kind of notification and the filters it takes.")
    async def notification_kinds(self, info: strawberry.Info) -> list[NotificationKind]:
        rows = await info.context.clients.notifications.get("/kinds")
        return [
            NotificationKind(
                name=r["name"],
                subscribable=r["subscribable"],
                filters=r["filters"],
                default_in_app=r["default_in_app"],
                default_email=r["default_email"],
            )
            for r in rows
        ]

    @strawberry.field(description="Your language, channels per kind and digest schedule.")
    async def notification_preferences(self, info: strawberry.Info) -> NotificationPreferences:
        info.context.identity.require()
        return NotificationPreferences.from_row(await info.context.clients.notifications.get("/preferences"))


@strawberry.type
class NotificationsMutation(WebhooksMutation):
    @strawberry.mutation(description="Mark some of your notifications read.")
    async def mark_notifications_read(
        self, info: strawberry.Info, ids: list[strawberry.ID]
    ) -> MarkReadResult:
        info.context.identity.require()
        row = await info.context.clients.notifications.post("/notifications/read", json={"ids": list(ids)})
        return MarkReadResult(marked=row["marked"], unread=row["unread"])

    @strawberry.mutation(description="Mark every notification read.")
    async def mark_all_notifications_read(self, info: strawberry.Info) -> MarkReadResult:
        info.context.identity.require()
        row = await info.context.clients.notifications.post("/notifications/read-all")
        return MarkReadResult(marked=row["marked"], unread=row["unread"])

    @strawberry.mutation(description="Subscribe to a kind of event with filters and channels.")
    async def subscribe_to_notifications(
        self, info: strawberry.Info, input: SubscribeInput
    ) -> SubscriptionResult:
        body = _clean(strawberry.asdict(input))
        body.setdefault("filters", {})
        try:
            row = await info.context.clients.notifications.post("/subscriptions", json=body)
        except ServiceError as exc:
            return from_service_error(exc)
        return SubscriptionSuccess(subscription=NotificationSubscription.from_row(row))

    @strawberry.mutation
    async def update_notification_subscription(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateSubscriptionInput
    ) -> SubscriptionResult:
        try:
            row = await info.context.clients.notifications.request(
                "PATCH", f"/subscriptions/{id}", json=_clean(strawberry.asdict(input))
            )
        except ServiceError as exc:
            return from_service_error(exc)
        return SubscriptionSuccess(subscription=NotificationSubscription.from_row(row))

    @strawberry.mutation
    async def delete_notification_subscription(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DeleteResult:
        try:
            await info.context.clients.notifications.request("DELETE", f"/subscriptions/{id}")
        except ServiceError as exc:
            return from_service_error(exc)
        return Deleted(id=id)

    @strawberry.mutation
    async def update_notification_preferences(
        self, info: strawberry.Info, input: UpdatePreferencesInput
    ) -> PreferencesResult:
        try:
            row = await info.context.clients.notifications.request(
                "PATCH", "/preferences", json=_clean(strawberry.asdict(input))
            )
        except ServiceError as exc:
            return from_service_error(exc)
        return PreferencesSuccess(preferences=NotificationPreferences.from_row(row))


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(
        description="Your notifications as they happen (a grouped alert comes again with "
        "its new count). Send your access token in connection_init."
    )
    async def notifications(self, info: strawberry.Info) -> AsyncGenerator[Notification, None]:
        principal = require_principal(info)
        app_state = info.context.request.app.state
        settings = getattr(app_state, "settings", None) or get_settings()
        async for message in live(info, user_notifications(settings, str(principal.user_id))):
            yield Notification.from_row(message)

"""Webhook endpoints in the schema: list them with their delivery log, change them, ping and replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gateway.clients import ServiceError
from gateway.errors import NotFoundError, PermissionError, ValidationError, from_service_error
from gateway.notifications.types import (
    Deleted,
    DeleteResult,
    DeliveryResult,
    UpdateWebhookEndpointInput,
    WebhookDelivery,
    WebhookDeliverySuccess,
    WebhookEndpointInput,
)
from gateway.pagination import Connection


@strawberry.type(description="Where an agency's CRM receives signed alerts (Standard Webhooks).")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    kinds: list[str]
    secret: str = strawberry.field(description="`whsec_…`: verify `webhook-signature` with it.")
    description: str
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime

    @strawberry.field(description="Its deliveries, newest first, each with every attempt's status code.")
    async def deliveries(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        params = {"limit": first, **({"cursor": after} if after else {})}
        page = await info.context.clients.notifications.get(f"/webhooks/{self.id}/deliveries", params=params)
        return Connection.of(
            [WebhookDelivery.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"]
        )

    @staticmethod
    def from_row(row: dict[str, Any]) -> WebhookEndpoint:
        return WebhookEndpoint(
            id=strawberry.ID(row["id"]),
            url=row["url"],
            kinds=row["kinds"],
            secret=row["secret"],
            description=row["description"],
            enabled=row["enabled"],
            disabled_reason=row["disabled_reason"],
            consecutive_failures=row["consecutive_failures"],
            created_at=datetime.fromisoformat(row["created_at"]),
        )


@strawberry.type
class WebhookEndpointSuccess:
    endpoint: WebhookEndpoint


WebhookEndpointResult = Annotated[
    WebhookEndpointSuccess | ValidationError | NotFoundError | PermissionError,
    strawberry.union(
        "WebhookEndpointResult", description="The endpoint, or why not (e.g. webhook_target_forbidden)."
    ),
]


@strawberry.type
class WebhooksQuery:
    @strawberry.field(description="Your webhook endpoints.")
    async def webhook_endpoints(self, info: strawberry.Info) -> list[WebhookEndpoint]:
        info.context.identity.require()
        return [
            WebhookEndpoint.from_row(r) for r in await info.context.clients.notifications.get("/webhooks")
        ]


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(description="Register an endpoint; private and loopback targets are refused.")
    async def create_webhook_endpoint(
        self, info: strawberry.Info, input: WebhookEndpointInput
    ) -> WebhookEndpointResult:
        try:
            row = await info.context.clients.notifications.post("/webhooks", json=strawberry.asdict(input))
        except ServiceError as exc:
            return from_service_error(exc)
        return WebhookEndpointSuccess(endpoint=WebhookEndpoint.from_row(row))

    @strawberry.mutation(description="Change an endpoint; `enabled: true` re-enables a disabled one.")
    async def update_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointResult:
        body = {k: v for k, v in strawberry.asdict(input).items() if v is not None}
        try:
            row = await info.context.clients.notifications.request("PATCH", f"/webhooks/{id}", json=body)
        except ServiceError as exc:
            return from_service_error(exc)
        return WebhookEndpointSuccess(endpoint=WebhookEndpoint.from_row(row))

    @strawberry.mutation
    async def delete_webhook_endpoint(self, info: strawberry.Info, id: strawberry.ID) -> DeleteResult:
        try:
            await info.context.clients.notifications.request("DELETE", f"/webhooks/{id}")
        except ServiceError as exc:
            return from_service_error(exc)
        return Deleted(id=id)

    @strawberry.mutation(description="Send a signed `webhook.ping` now; answers with the attempt's outcome.")
    async def ping_webhook_endpoint(self, info: strawberry.Info, id: strawberry.ID) -> DeliveryResult:
        return await _delivery(info, f"/webhooks/{id}/ping")

    @strawberry.mutation(description="Send a delivery again now, with the same `webhook-id`.")
    async def replay_webhook_delivery(self, info: strawberry.Info, id: strawberry.ID) -> DeliveryResult:
        return await _delivery(info, f"/deliveries/{id}/replay")


async def _delivery(info: strawberry.Info, path: str):  # type: ignore[no-untyped-def]
    try:
        row = await info.context.clients.notifications.post(path)
    except ServiceError as exc:
        return from_service_error(exc)
    return WebhookDeliverySuccess(delivery=WebhookDelivery.from_row(row))

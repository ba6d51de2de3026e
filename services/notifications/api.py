"""Notifications's REST API: thin routes over the use cases. Everything but unsubscribe needs a token."""

from __future__ import annotations

import html
import uuid

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse

from services.notifications import inbox, preferences, subscriptions
from services.notifications.email.tokens import load_secret, read_token
from services.notifications.kinds import KINDS, TRANSACTIONAL
from services.notifications.schemas import (
    AttemptOut,
    CountOut,
    DeliveryOut,
    IdsIn,
    KindChannels,
    KindOut,
    NotificationOut,
    PreferencesOut,
    PreferencesPatch,
    ReadOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from services.notifications.webhooks import endpoints
from shared.app import Session
from shared.auth import CurrentUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter()


@router.get("/notifications", response_model=Page[NotificationOut], tags=["inbox"])
async def list_notifications(
    user: CurrentUser,
    session: Session,
    cursor: str | None = None,
    unread_only: bool = False,
    limit: int = Query(default=20, ge=1, le=MAX_PAGE),
) -> Page[NotificationOut]:
    rows, cursors, nxt = await inbox.list_notifications(
        session=session, user_id=user.user_id, cursor=cursor, limit=limit, unread_only=unread_only
    )
    return Page(items=[NotificationOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=nxt)


@router.get("/notifications/unread-count", response_model=CountOut, tags=["inbox"])
async def unread_count(user: CurrentUser, session: Session) -> CountOut:
    return CountOut(count=await inbox.unread_count(session=session, user_id=user.user_id))


@router.post("/notifications/read", response_model=ReadOut, tags=["inbox"])
async def mark_read(body: IdsIn, user: CurrentUser, session: Session) -> ReadOut:
    marked = await inbox.mark_read(body.ids, session=session, user_id=user.user_id)
    return ReadOut(marked=marked, unread=await inbox.unread_count(session=session, user_id=user.user_id))


@router.post("/notifications/read-all", response_model=ReadOut, tags=["inbox"])
async def mark_all_read(user: CurrentUser, session: Session) -> ReadOut:
    marked = await inbox.mark_all_read(session=session, user_id=user.user_id)
    return ReadOut(marked=marked, unread=0)


@router.get("/kinds", response_model=list[KindOut], tags=["subscriptions"])
async def list_kinds() -> list[KindOut]:
    return [
        KindOut(
            name=k.name,
            subscribable=k.subscribable,
            filters=list(k.filters),
            default_in_app=k.in_app,
            default_email=k.email,
        )
        for k in KINDS.values()
        if k.name not in TRANSACTIONAL
    ]


@router.get("/subscriptions", response_model=Page[SubscriptionOut], tags=["subscriptions"])
async def list_subscriptions(
    user: CurrentUser,
    session: Session,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[SubscriptionOut]:
    rows, cursors, nxt = await subscriptions.list_subscriptions(
        session=session, user_id=user.user_id, cursor=cursor, limit=limit
    )
    return Page(items=[SubscriptionOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=nxt)


@router.post(
    "/subscriptions",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionOut,
    tags=["subscriptions"],
)
async def create_subscription(
    body: SubscriptionIn, user: CurrentUser, session: Session, request: Request
) -> SubscriptionOut:
    _changes_subscriptions(request, session)
    sub = await subscriptions.create_subscription(
        session=session,
        user_id=user.user_id,
        kind=body.kind,
        filters=body.filters.model_dump(exclude_none=True),
        in_app=body.in_app,
        email=body.email,
        webhook=body.webhook,
    )
    return SubscriptionOut.model_validate(sub)


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut, tags=["subscriptions"])
async def update_subscription(
    subscription_id: uuid.UUID, body: SubscriptionPatch, user: CurrentUser, session: Session, request: Request
) -> SubscriptionOut:
    _changes_subscriptions(request, session)
    changes = body.model_dump(exclude_unset=True)
    if body.filters is not None:
        changes["filters"] = body.filters.model_dump(exclude_none=True)
    sub = await subscriptions.update_subscription(
        subscription_id, session=session, user_id=user.user_id, changes=changes
    )
    return SubscriptionOut.model_validate(sub)


@router.delete(
    "/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["subscriptions"]
)
async def delete_subscription(
    subscription_id: uuid.UUID, user: CurrentUser, session: Session, request: Request
) -> None:
    _changes_subscriptions(request, session)
    await subscriptions.delete_subscription(subscription_id, session=session, user_id=user.user_id)


def _changes_subscriptions(request: Request, session) -> None:  # type: ignore[no-untyped-def]
    """Once this commits, this replica's cache of subscriptions is stale."""
    request.app.state.hub.effects(session).forget_subscriptions = True


def _preferences_out(pref, language: str) -> PreferencesOut:  # type: ignore[no-untyped-def]
    channels = [KindChannels(kind=k, **v) for k, v in preferences.effective_channels(pref).items()]
    return PreferencesOut(
        language=pref.language or language,
        email_enabled=pref.email_enabled,
        digest_hour=pref.digest_hour,
        digest_weekday=pref.digest_weekday,
        channels=channels,
    )


@router.get("/preferences", response_model=PreferencesOut, tags=["preferences"])
async def get_preferences(user: CurrentUser, session: Session) -> PreferencesOut:
    return _preferences_out(
        await preferences.get_preferences(session=session, user_id=user.user_id), user.language
    )


@router.patch("/preferences", response_model=PreferencesOut, tags=["preferences"])
async def update_preferences(body: PreferencesPatch, user: CurrentUser, session: Session) -> PreferencesOut:
    changes = body.model_dump(exclude_unset=True)
    pref = await preferences.update_preferences(session=session, user_id=user.user_id, changes=changes)
    return _preferences_out(pref, user.language)


@router.get("/webhooks", response_model=list[WebhookOut], tags=["webhooks"])
async def list_webhooks(user: CurrentUser, session: Session) -> list[WebhookOut]:
    return [
        WebhookOut.model_validate(e)
        for e in await endpoints.list_endpoints(session=session, owner_id=user.user_id)
    ]


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, response_model=WebhookOut, tags=["webhooks"])
async def create_webhook(
    body: WebhookIn, user: CurrentUser, session: Session, request: Request
) -> WebhookOut:
    endpoint = await endpoints.create_endpoint(
        session=session,
        settings=request.app.state.hub.settings,
        owner_id=user.user_id,
        url=body.url,
        kinds=body.kinds,
        description=body.description,
    )
    return WebhookOut.model_validate(endpoint)


@router.get("/webhooks/{endpoint_id}", response_model=WebhookOut, tags=["webhooks"])
async def get_webhook(endpoint_id: uuid.UUID, user: CurrentUser, session: Session) -> WebhookOut:
    return WebhookOut.model_validate(
        await endpoints.get_endpoint(endpoint_id, session=session, owner_id=user.user_id)
    )


@router.patch("/webhooks/{endpoint_id}", response_model=WebhookOut, tags=["webhooks"])
async def update_webhook(
    endpoint_id: uuid.UUID, body: WebhookPatch, user: CurrentUser, session: Session, request: Request
) -> WebhookOut:
    endpoint = await endpoints.update_endpoint(
        endpoint_id,
        session=session,
        settings=request.app.state.hub.settings,
        owner_id=user.user_id,
        changes=body.model_dump(exclude_unset=True),
    )
    return WebhookOut.model_validate(endpoint)


@router.delete("/webhooks/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["webhooks"])
async def delete_webhook(endpoint_id: uuid.UUID, user: CurrentUser, session: Session) -> None:
    await endpoints.delete_endpoint(endpoint_id, session=session, owner_id=user.user_id)


@router.get("/webhooks/{endpoint_id}/deliveries", response_model=Page[DeliveryOut], tags=["webhooks"])
async def list_deliveries(
    endpoint_id: uuid.UUID,
    user: CurrentUser,
    session: Session,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[DeliveryOut]:
    rows, cursors, nxt = await endpoints.list_deliveries(
        endpoint_id, session=session, owner_id=user.user_id, cursor=cursor, limit=limit
    )
    return Page(items=[_delivery_out(d, log) for d, log in rows], cursors=cursors, next_cursor=nxt)


def _delivery_out(delivery, log) -> DeliveryOut:  # type: ignore[no-untyped-def]
    out = DeliveryOut.model_validate(delivery)
    out.log = [AttemptOut.model_validate(a) for a in log]
    return out


@router.post("/webhooks/{endpoint_id}/ping", response_model=DeliveryOut, tags=["webhooks"])
async def ping_webhook(endpoint_id: uuid.UUID, user: CurrentUser, request: Request) -> DeliveryOut:
    """Send a signed `webhook.ping` now and answer with its outcome (also kept in the delivery log)."""
    runtime = request.app.state.runtime
    async with runtime.session() as session:
        delivery = await endpoints.queue_ping(endpoint_id, session=session, owner_id=user.user_id)
    return await _send_now(request, delivery.id)


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryOut, tags=["webhooks"])
async def replay_delivery(delivery_id: uuid.UUID, user: CurrentUser, request: Request) -> DeliveryOut:
    async with request.app.state.runtime.session() as session:
        await endpoints.replay(delivery_id, session=session, owner_id=user.user_id)
    return await _send_now(request, delivery_id)


async def _send_now(request: Request, delivery_id: uuid.UUID) -> DeliveryOut:
    delivery = await request.app.state.hub.worker.deliver_now(delivery_id)
    async with request.app.state.runtime.session() as session:
        rows, _, _ = await endpoints.list_deliveries(
            delivery.endpoint_id, session=session, owner_id=delivery.user_id, limit=MAX_PAGE
        )
    log = next((log for d, log in rows if d.id == delivery_id), [])
    return _delivery_out(delivery, log)


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Consorcia</title></head>
<body style="font-family:sans-serif;max-width:520px;margin:3em auto">{content}</body></html>"""


@router.get("/unsubscribe", response_class=HTMLResponse, tags=["e-mail"], include_in_schema=False)
async def unsubscribe_page(token: str, session: Session, request: Request) -> HTMLResponse:
    # A GET never unsubscribes: mail scanners follow links. The button POSTs, as one-click clients do.
    read_token(
        await load_secret(session=session, configured=request.app.state.hub.settings.unsubscribe_secret),
        token,
    )
    form = (
        f"<p>¿Dejar de recibir estos correos? / Stop receiving these e-mails?</p>"
        f'<form method="post" action="unsubscribe?token={html.escape(token, quote=True)}">'
        f'<button type="submit">Confirmar / Confirm</button></form>'
    )
    return HTMLResponse(_PAGE.format(content=form))


@router.post(
    "/unsubscribe", response_class=HTMLResponse, tags=["e-mail"], summary="RFC 8058 one-click unsubscribe"
)
async def unsubscribe(token: str, session: Session, request: Request) -> HTMLResponse:
    user_id, kind = read_token(
        await load_secret(session=session, configured=request.app.state.hub.settings.unsubscribe_secret),
        token,
    )
    await preferences.unsubscribe(session=session, user_id=user_id, kind=kind)
    _changes_subscriptions(request, session)
    return HTMLResponse(
        _PAGE.format(content="<p>Listo: no recibirás más estos correos. / Done: you are unsubscribed.</p>")
    )

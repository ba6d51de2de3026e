"""Subscriptions: standing interests with filters and channels; the role defaults every user starts with."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.kinds import EMAIL_MODES, KINDS, ROLE_DEFAULTS
from services.notifications.models import Subscription
from services.notifications.preferences import ensure_recipient
from shared.errors import DomainError, NotFound
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor
from shared.reference import sectors as sector_taxonomy

LIST_FILTERS = (
    "countries",
    "sectors",
    "match_types",
    "organization_ids",
    "space_ids",
    "thread_ids",
    "topics",
    "organization_kinds",
)
MATCH_TYPES = ("partner", "supplier", "inter_consortium")


def _sector_matches(wanted: list[str], actual: list[str]) -> bool:
    taxonomy = sector_taxonomy()
    for code in actual:
        parent = taxonomy[code].parent if code in taxonomy else None
        if code in wanted or (parent is not None and parent in wanted):
            return True
    return False


def matches(filters: dict[str, Any], attrs: dict[str, Any]) -> bool:
    """Every filter present must hold; an absent filter lets everything through."""
    if countries := filters.get("countries"):
        if not set(countries) & {c.upper() for c in attrs.get("countries", []) if c}:
            return False
    if (wanted := filters.get("sectors")) and not _sector_matches(wanted, attrs.get("sectors", [])):
        return False
    if (types := filters.get("match_types")) and attrs.get("match_type") not in types:
        return False
    if (floor := filters.get("min_score")) is not None and float(attrs.get("score", 0.0)) < float(floor):
        return False
    if (orgs := filters.get("organization_ids")) and not set(orgs) & set(attrs.get("organization_ids", [])):
        return False
    if (spaces := filters.get("space_ids")) and attrs.get("space_id") not in spaces:
        return False
    if (threads := filters.get("thread_ids")) and attrs.get("thread_id") not in threads:
        return False
    if (topics := filters.get("topics")) and str(attrs.get("topic", "")).lower() not in {
        t.lower() for t in topics
    }:
        return False
    if (okinds := filters.get("organization_kinds")) and attrs.get("organization_kind") not in okinds:
        return False
    return True


def clean_filters(kind: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Only the filters this kind understands, in a canonical form; anything else is a clear error."""
    spec = KINDS[kind]
    cleaned: dict[str, Any] = {}
    for name, value in filters.items():
        if value is None or value == []:
            continue
        if name not in spec.filters:
            raise DomainError(
                "invalid_filter",
                f"{kind} cannot be filtered by {name}",
                details={"filter": name, "allowed": list(spec.filters)},
            )
        if name == "min_score":
            score = float(value)
            if not 0 <= score <= 1:
                raise DomainError(
                    "invalid_filter", "min_score is between 0 and 1", details={"min_score": value}
                )
            cleaned[name] = score
            continue
        values = [str(v).strip() for v in value]
        if name == "countries":
            values = [v.upper() for v in values]
            if any(len(v) != 2 or not v.isalpha() for v in values):
                raise DomainError(
                    "invalid_filter", "countries are ISO 3166-1 alpha-2 codes", details={"countries": value}
                )
        elif name == "sectors":
            unknown = [v for v in values if v not in sector_taxonomy()]
            if unknown:
                raise DomainError(
                    "unknown_sector",
                    f"unknown sector codes: {', '.join(unknown)}",
                    details={"sectors": unknown},
                )
        elif name == "match_types":
            if bad := [v for v in values if v not in MATCH_TYPES]:
                raise DomainError(
                    "invalid_filter",
                    f"match types are {', '.join(MATCH_TYPES)}",
                    details={"match_types": bad},
                )
        elif name in ("organization_ids", "space_ids", "thread_ids"):
            try:
                values = [str(uuid.UUID(v)) for v in values]
            except ValueError:
                raise DomainError("invalid_filter", f"{name} holds ids", details={name: value}) from None
        cleaned[name] = sorted(set(values))
    return cleaned


def _check_kind(kind: str) -> None:
    if kind not in KINDS or not KINDS[kind].subscribable:
        subscribable = sorted(k for k, v in KINDS.items() if v.subscribable)
        raise DomainError(
            "unknown_notification_kind",
            f"{kind!r} is not a kind one can subscribe to",
            details={"kind": kind, "allowed": subscribable},
        )


def _check_email(mode: str) -> None:
    if mode not in EMAIL_MODES:
        raise DomainError(
            "validation_error", f"email is one of {', '.join(EMAIL_MODES)}", details={"email": mode}
        )


async def create_subscription(
    *,
    session: AsyncSession,
    user_id: uuid.UUID,
    kind: str,
    filters: dict[str, Any],
    in_app: bool = True,
    email: str = "off",
    webhook: bool = False,
    is_default: bool = False,
) -> Subscription:
    _check_kind(kind)
    _check_email(email)
    await ensure_recipient(session, user_id)
    sub = Subscription(
        id=uuid.uuid4(),
        user_id=user_id,
        kind=kind,
        filters=clean_filters(kind, filters),
        in_app=in_app,
        email=email,
        webhook=webhook,
        is_default=is_default,
    )
    session.add(sub)
    await session.flush()
    return sub


async def update_subscription(
    subscription_id: uuid.UUID, *, session: AsyncSession, user_id: uuid.UUID, changes: dict[str, Any]
) -> Subscription:
    sub = await get_subscription(subscription_id, session=session, user_id=user_id)
    if "filters" in changes and changes["filters"] is not None:
        sub.filters = clean_filters(sub.kind, changes["filters"])
    if changes.get("email") is not None:
        _check_email(changes["email"])
        sub.email = changes["email"]
    for flag in ("in_app", "webhook"):
        if changes.get(flag) is not None:
            setattr(sub, flag, bool(changes[flag]))
    await session.flush()
    return sub


async def get_subscription(
    subscription_id: uuid.UUID, *, session: AsyncSession, user_id: uuid.UUID
) -> Subscription:
    sub = await session.get(Subscription, subscription_id)
    if sub is None or sub.user_id != user_id:  # someone else's is as absent as a missing one
        raise NotFound("subscription", subscription_id, code="subscription_not_found")
    return sub


async def delete_subscription(
    subscription_id: uuid.UUID, *, session: AsyncSession, user_id: uuid.UUID
) -> None:
    await get_subscription(subscription_id, session=session, user_id=user_id)
    await session.execute(delete(Subscription).where(Subscription.id == subscription_id))


async def list_subscriptions(
    *, session: AsyncSession, user_id: uuid.UUID, cursor: str | None = None, limit: int = 50
) -> tuple[list[Subscription], list[str], str | None]:
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Subscription).where(Subscription.user_id == user_id)
    if (after := decode_cursor(cursor)) is not None:
        created, last = after
        created = datetime.fromisoformat(created)
        query = query.where(
            or_(
                Subscription.created_at > created,
                and_(Subscription.created_at == created, Subscription.id > uuid.UUID(last)),
            )
        )
    rows = list(
        (
            await session.execute(query.order_by(Subscription.created_at, Subscription.id).limit(limit + 1))
        ).scalars()
    )
    more, rows = len(rows) > limit, rows[:limit]
    cursors = [encode_cursor(r.created_at.isoformat(), str(r.id)) for r in rows]
    return rows, cursors, cursors[-1] if more else None


async def ensure_role_defaults(*, session: AsyncSession, user_id: uuid.UUID, roles: list[str]) -> int:
    """Give a user the standing subscriptions of their roles, once (a role added later adds its own)."""
    have = set(
        (
            await session.execute(
                select(Subscription.kind).where(
                    Subscription.user_id == user_id, Subscription.is_default.is_(True)
                )
            )
        ).scalars()
    )
    added = 0
    for role in roles:
        for kind, in_app, email in ROLE_DEFAULTS.get(role, []):
            if kind not in have:
                await create_subscription(
                    session=session,
                    user_id=user_id,
                    kind=kind,
                    filters={},
                    in_app=in_app,
                    email=email,
                    is_default=True,
                )
                have.add(kind)
                added += 1
    return added

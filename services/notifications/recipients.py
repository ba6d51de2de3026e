"""Notifications's own picture of people: names, languages, roles, e-mail and the organizations they act for."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.fanout import forget
from services.notifications.models import Recipient, RecipientOrganization
from services.notifications.subscriptions import ensure_role_defaults
from shared.events import directory as d


async def ensure(user_id: uuid.UUID, *, session: AsyncSession, language: str | None = None) -> Recipient:
    forget(session)  # the fan-out's per-transaction memo of recipients is stale from here on
    row = await session.get(Recipient, user_id)
    if row is None:
        row = Recipient(
            user_id=user_id, display_name="", language=language or "es", roles=[], organization_ids=[]
        )
        session.add(row)
        await session.flush()
    return row


async def user_registered(e: d.UserRegistered, *, session: AsyncSession) -> None:
    row = await ensure(e.user_id, session=session)
    row.display_name, row.language, row.roles = e.display_name, e.language, sorted(set(e.roles))
    await ensure_role_defaults(session=session, user_id=e.user_id, roles=list(e.roles))


async def contact_changed(e: d.UserContactChanged, *, session: AsyncSession) -> None:
    row = await ensure(e.user_id, session=session)
    row.email = (e.email or "").strip() or None
    row.language = e.language or row.language
    if e.organization_ids:
        for organization_id in e.organization_ids:
            await link(e.user_id, organization_id, session=session)


async def link(user_id: uuid.UUID, organization_id: uuid.UUID, *, session: AsyncSession) -> None:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    await session.execute(
        dialect.insert(RecipientOrganization)
        .values(user_id=user_id, organization_id=organization_id)
        .on_conflict_do_nothing()
    )
    row = await ensure(user_id, session=session)
    if str(organization_id) not in row.organization_ids:
        row.organization_ids = [*row.organization_ids, str(organization_id)]


async def unlink(user_id: uuid.UUID, organization_id: uuid.UUID, *, session: AsyncSession) -> None:
    await session.execute(
        delete(RecipientOrganization).where(
            RecipientOrganization.user_id == user_id, RecipientOrganization.organization_id == organization_id
        )
    )
    row = await session.get(Recipient, user_id)
    if row is not None:
        row.organization_ids = [o for o in row.organization_ids if o != str(organization_id)]

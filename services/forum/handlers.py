"""What forum does with other services' events: people, organizations and who may enter which space."""

from __future__ import annotations

from sqlalchemy import select

from services.forum.models import Space
from services.forum.service import people, spaces
from shared.events.directory import (
    ConsortiumCreated,
    MemberJoined,
    MemberLeft,
    OrganizationDeleted,
    OrganizationManagerAdded,
    OrganizationManagerRemoved,
    OrganizationRegistered,
    OrganizationUpdated,
    UserRegistered,
)
from shared.events.matching import IntroductionAccepted
from shared.messaging.consumer import HandlerRegistry

registry = HandlerRegistry()


@registry.on(UserRegistered)
async def on_user_registered(event: UserRegistered, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await people.upsert_user(
        event.user_id,
        display_name=event.display_name,
        language=event.language,
        roles=event.roles,
        registered_at=envelope.time,
        session=session,
    )


@registry.on(OrganizationRegistered)
async def on_organization_registered(event, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await people.upsert_organization(
        event.organization_id, name=event.name, kind=event.kind, country=event.country, session=session
    )


registry.add(OrganizationUpdated, on_organization_registered)


@registry.on(OrganizationDeleted)
async def on_organization_deleted(event, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await people.remove_organization(event.organization_id, session=session)


@registry.on(OrganizationManagerAdded)
async def on_person_added(event, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await people.add_organization_user(event.organization_id, event.user_id, role=event.role, session=session)


@registry.on(OrganizationManagerRemoved)
async def on_person_removed(event, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await people.remove_organization_user(event.organization_id, event.user_id, session=session)


@registry.on(ConsortiumCreated)
async def on_consortium_created(event: ConsortiumCreated, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    space = await spaces.consortium_space(event.consortium_id, name=event.name, session=session)
    if event.manager_user_id is not None:
        await spaces.add_space_member(space, event.manager_user_id, session=session)


@registry.on(MemberJoined)
async def on_member_joined(event: MemberJoined, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    space = await spaces.consortium_space(event.consortium_id, session=session)
    await spaces.add_space_organization(space, event.organization_id, session=session)


@registry.on(MemberLeft)
async def on_member_left(event: MemberLeft, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    query = select(Space).where(Space.consortium_id == event.consortium_id)
    space = (await session.execute(query)).scalar_one_or_none()
    if space is not None:
        await spaces.remove_space_organization(space, event.organization_id, session=session)


@registry.on(IntroductionAccepted)
async def on_introduction_accepted(event: IntroductionAccepted, *, session, envelope) -> None:  # type: ignore[no-untyped-def]
    await spaces.introduction_space(
        event.introduction_id,
        organization_ids=list(event.organization_ids),
        user_ids=list(event.user_ids),
        session=session,
    )

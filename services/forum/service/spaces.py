"""Spaces: public categories, a private space per consortium (kept in step with directory's membership
events) and per accepted introduction (matching's IntroductionAccepted)."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.models import ReadMark, Space, SpaceMember, SpaceOrganization, Thread
from services.forum.service.access import readable_spaces
from shared.auth import Principal
from shared.errors import DomainError
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor


async def ensure_category(
    slug: str,
    *,
    name_es: str,
    name_en: str,
    description_es: str = "",
    description_en: str = "",
    position: int = 1000,
    session: AsyncSession,
) -> tuple[Space, bool]:
    space = (await session.execute(select(Space).where(Space.slug == slug))).scalar_one_or_none()
    if space is not None:
        return space, False
    space = Space(
        id=uuid.uuid4(),
        kind="category",
        slug=slug,
        name_es=name_es,
        name_en=name_en,
        description_es=description_es,
        description_en=description_en,
        position=position,
        is_private=False,
    )
    session.add(space)
    await session.flush()
    return space, True


async def consortium_space(
    consortium_id: uuid.UUID, *, session: AsyncSession, name: str | None = None
) -> Space:
    """The consortium's private space, created by whichever of its events arrives first."""
    space = (
        await session.execute(select(Space).where(Space.consortium_id == consortium_id))
    ).scalar_one_or_none()
    if space is None:
        label = name or "Consorcio"
        space = Space(
            id=uuid.uuid4(),
            kind="consortium",
            name_es=label,
            name_en=label,
            description_es="Espacio privado del consorcio: solo sus miembros lo ven.",
            description_en="The consortium's private space: only its members see it.",
            is_private=True,
            consortium_id=consortium_id,
        )
        session.add(space)
        await session.flush()
        # The consortium is an organization too: its own people (its managers) belong here.
        session.add(SpaceOrganization(space_id=space.id, organization_id=consortium_id))
    elif name:
        space.name_es = space.name_en = name
    await session.flush()
    return space


async def add_space_member(space: Space, user_id: uuid.UUID, *, session: AsyncSession) -> None:
    if await session.get(SpaceMember, (space.id, user_id)) is None:
        session.add(SpaceMember(space_id=space.id, user_id=user_id))
        await session.flush()


async def add_space_organization(space: Space, organization_id: uuid.UUID, *, session: AsyncSession) -> None:
    if await session.get(SpaceOrganization, (space.id, organization_id)) is None:
        session.add(SpaceOrganization(space_id=space.id, organization_id=organization_id))
        await session.flush()


async def remove_space_organization(
    space: Space, organization_id: uuid.UUID, *, session: AsyncSession
) -> None:
    await session.execute(
        delete(SpaceOrganization).where(
            SpaceOrganization.space_id == space.id, SpaceOrganization.organization_id == organization_id
        )
    )


async def introduction_space(
    introduction_id: uuid.UUID,
    *,
    organization_ids: list[uuid.UUID],
    user_ids: list[uuid.UUID],
    session: AsyncSession,
) -> Space:
    space = (
        await session.execute(select(Space).where(Space.introduction_id == introduction_id))
    ).scalar_one_or_none()
    if space is None:
        space = Space(
            id=uuid.uuid4(),
            kind="introduction",
            name_es="Presentación aceptada",
            name_en="Accepted introduction",
            description_es="Espacio privado entre las dos partes de una presentación aceptada.",
            description_en="A private space for the two sides of an accepted introduction.",
            is_private=True,
            introduction_id=introduction_id,
        )
        session.add(space)
        await session.flush()
    for org_id in organization_ids:
        await add_space_organization(space, org_id, session=session)
    for user_id in user_ids:
        await add_space_member(space, user_id, session=session)
    return space


async def list_spaces(
    principal: Principal | None,
    *,
    kind: str | None = None,
    session: AsyncSession,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[tuple[Space, int, int]], list[str], str | None]:
    """Spaces the caller may read with (thread count, unread thread count), categories first by
    position, then by name; the cursor is (position, Spanish name, id)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Space).where(readable_spaces(principal))
    if kind:
        query = query.where(Space.kind == kind)
    if (after := decode_cursor(cursor)) is not None:
        try:
            position, name, last_id = int(after[0]), str(after[1]), uuid.UUID(str(after[2]))
        except (ValueError, IndexError, TypeError):
            raise DomainError("validation_error", "the cursor is not one this API issued") from None
        query = query.where(
            or_(
                Space.position > position,
                and_(Space.position == position, Space.name_es > name),
                and_(Space.position == position, Space.name_es == name, Space.id > last_id),
            )
        )
    query = query.order_by(Space.position, Space.name_es, Space.id).limit(limit + 1)
    spaces = list((await session.execute(query)).scalars())
    more = len(spaces) > limit
    spaces = spaces[:limit]
    cursors = [encode_cursor(s.position, s.name_es, str(s.id)) for s in spaces]
    return await with_counts(spaces, principal, session=session), cursors, (cursors[-1] if more else None)


async def get_spaces(
    principal: Principal | None, ids: list[uuid.UUID], *, session: AsyncSession
) -> list[tuple[Space, int, int]]:
    """Batch read with counts; spaces the caller may not read are left out, like unknown ones."""
    if not ids:
        return []
    query = select(Space).where(Space.id.in_(ids), readable_spaces(principal))
    return await with_counts(list((await session.execute(query)).scalars()), principal, session=session)


async def with_counts(
    spaces: list[Space], principal: Principal | None, *, session: AsyncSession
) -> list[tuple[Space, int, int]]:
    """Each space with its thread count and, for a signed-in caller, its unread thread count."""
    ids = [s.id for s in spaces]
    if not ids:
        return []
    live = and_(Thread.space_id.in_(ids), Thread.deleted_at.is_(None))
    counts = dict(
        (
            await session.execute(select(Thread.space_id, func.count()).where(live).group_by(Thread.space_id))
        ).all()
    )
    unread: dict[uuid.UUID, int] = {}
    if principal is not None:
        read = func.coalesce(ReadMark.last_read_number, 0)
        query = (
            select(Thread.space_id, func.count())
            .outerjoin(ReadMark, and_(ReadMark.thread_id == Thread.id, ReadMark.user_id == principal.user_id))
            .where(live, Thread.last_post_number > read)
            .group_by(Thread.space_id)
        )
        unread = dict((await session.execute(query)).all())
    return [(s, counts.get(s.id, 0), unread.get(s.id, 0)) for s in spaces]

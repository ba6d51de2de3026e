"""Online advisory: a question routed to the advisors for its topic and country, claimed, answered,
accepted (the thread shows as solved), or escalated once when nobody answered in time."""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import (
    Advisor,
    AdvisoryRequest,
    AdvisoryRoute,
    Organization,
    OrganizationUser,
    Post,
    Space,
    Thread,
    now,
    outbox,
)
from services.forum.models.base import aware
from services.forum.service.access import readable_thread
from services.forum.service.people import ensure_caller
from services.forum.service.posts import Author, add_post
from services.forum.topics import is_country, topics
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.events.forum import (
    AdvisoryAccepted,
    AdvisoryAnswered,
    AdvisoryClaimed,
    AdvisoryEscalated,
    AdvisoryRequested,
)
from shared.outbox import record
from shared.pagination import MAX_PAGE, decode_cursor, encode_cursor

ADVISOR_ROLES = ("agency_officer", "advisor")


def _invalid(field: str, problem: str) -> DomainError:
    return DomainError(
        "validation_error", problem, details={"fields": [{"field": field, "problem": problem}]}
    )


def check_ask(space: Space, topic: str, country: str | None) -> None:
    if topic not in topics():
        raise _invalid("topic", f"unknown advisory topic {topic!r}; one of: {', '.join(topics())}")
    if country is not None and not is_country(country):
        raise DomainError(
            "unknown_country", f"{country} is not an ISO 3166 country code", details={"country": country}
        )
    if space.is_private:
        raise _invalid("space_id", "advisory questions go in a public space, where advisors can read them")


def require_advisor(principal: Principal) -> None:
    if not principal.has_any(*ADVISOR_ROLES):
        raise DomainError("forbidden", "only agency officers and registered experts advise")


async def save_profile(
    principal: Principal,
    *,
    topics_: list[str],
    countries: list[str],
    organization_id: uuid.UUID | None,
    bio: str,
    active: bool,
    session: AsyncSession,
) -> Advisor:
    require_advisor(principal)
    unknown = [t for t in topics_ if t not in topics()]
    if unknown or not topics_:
        raise _invalid("topics", f"choose at least one known topic; unknown: {', '.join(unknown) or '-'}")
    bad = [c for c in countries if not is_country(c)]
    if bad:
        raise DomainError(
            "unknown_country", f"not ISO 3166 country codes: {', '.join(bad)}", details={"countries": bad}
        )
    await ensure_caller(principal, session=session)
    memberships = (
        await session.execute(
            select(OrganizationUser.organization_id, Organization.kind)
            .outerjoin(Organization, Organization.id == OrganizationUser.organization_id)
            .where(OrganizationUser.user_id == principal.user_id)
        )
    ).all()
    if organization_id is not None and organization_id not in {m.organization_id for m in memberships}:
        raise DomainError("forbidden", "you may only advise for an organization you belong to")
    if organization_id is None:  # an officer advises for their agency unless they say otherwise
        organization_id = next((m.organization_id for m in memberships if m.kind == "agency"), None)
    advisor = await session.get(Advisor, principal.user_id)
    if advisor is None:
        advisor = Advisor(user_id=principal.user_id)
        session.add(advisor)
    advisor.kind = "agency_officer" if principal.has_any("agency_officer") else "expert"
    advisor.topics = sorted(set(topics_))
    advisor.countries = sorted({c.upper() for c in countries})
    advisor.organization_id, advisor.bio, advisor.active, advisor.updated_at = (
        organization_id,
        bio,
        active,
        now(),
    )
    await session.flush()
    return advisor


async def open_request(
    thread: Thread, principal: Principal, topic: str, country: str | None, *, session: AsyncSession
) -> AdvisoryRequest:
    country = country.upper() if country else None
    advisors = (await session.execute(select(Advisor).where(Advisor.active.is_(True)))).scalars()
    routed = sorted(
        (
            a.user_id
            for a in advisors
            if topic in a.topics
            and (not a.countries or country is None or country in a.countries)
            and a.user_id != principal.user_id
        ),
        key=str,
    )
    request = AdvisoryRequest(
        id=uuid.uuid4(),
        thread_id=thread.id,
        asker_id=principal.user_id,
        topic=topic,
        country=country,
        status="open",
        created_at=now(),
        advisor_count=len(routed),
    )
    session.add(request)
    thread.is_advisory = True
    await session.flush()
    session.add_all([AdvisoryRoute(request_id=request.id, advisor_id=a) for a in routed])
    await record(
        session,
        outbox,
        AdvisoryRequested(
            request_id=request.id,
            thread_id=thread.id,
            asker_id=principal.user_id,
            topic=topic,
            country=country,
            advisor_ids=routed,
            title=thread.title,
        ),
        subject=str(request.id),
    )
    return request


async def get_request(
    request_id: uuid.UUID, *, session: AsyncSession, for_update: bool = False
) -> AdvisoryRequest:
    query = select(AdvisoryRequest).where(AdvisoryRequest.id == request_id)
    request = (await session.execute(query.with_for_update() if for_update else query)).scalar_one_or_none()
    if request is None:
        raise NotFound("advisory request", request_id, code="advisory_not_found")
    return request


async def request_of_thread(thread_id: uuid.UUID, *, session: AsyncSession) -> AdvisoryRequest | None:
    query = select(AdvisoryRequest).where(AdvisoryRequest.thread_id == thread_id)
    return (await session.execute(query)).scalar_one_or_none()


async def requests_of_threads(
    thread_ids: list[uuid.UUID], *, session: AsyncSession
) -> dict[uuid.UUID, AdvisoryRequest]:
    if not thread_ids:
        return {}
    query = select(AdvisoryRequest).where(AdvisoryRequest.thread_id.in_(thread_ids))
    return {r.thread_id: r for r in (await session.execute(query)).scalars()}


async def claim(principal: Principal, request_id: uuid.UUID, *, session: AsyncSession) -> AdvisoryRequest:
    require_advisor(principal)
    request = await get_request(request_id, session=session, for_update=True)
    await readable_thread(request.thread_id, principal, session=session)
    if request.claimed_by == principal.user_id:
        return request
    if request.claimed_by is not None or request.status == "solved":
        raise DomainError(
            "advisory_already_claimed",
            "another advisor already took this request",
            details={"claimed_by": str(request.claimed_by)},
        )
    request.claimed_by, request.claimed_at = principal.user_id, now()
    if request.status == "open":
        request.status = "claimed"
    await session.flush()
    await record(
        session,
        outbox,
        AdvisoryClaimed(
            request_id=request.id,
            thread_id=request.thread_id,
            advisor_id=principal.user_id,
            asker_id=request.asker_id,
        ),
        subject=str(request.id),
    )
    return request


async def answer(
    principal: Principal,
    request_id: uuid.UUID,
    body: str,
    *,
    settings: ForumSettings,
    session: AsyncSession,
    redis=None,  # type: ignore[no-untyped-def]
) -> tuple[AdvisoryRequest, Post]:
    request = await claim(principal, request_id, session=session)  # answering an open request takes it
    thread, space = await readable_thread(request.thread_id, principal, session=session, for_update=True)
    if thread.locked:
        raise DomainError("thread_locked", "this thread is locked")
    user = await ensure_caller(principal, session=session)
    post = await add_post(
        thread, space, Author(user, privileged=True), body, settings=settings, session=session, redis=redis
    )
    if request.answered_at is None:
        advisor = await session.get(Advisor, principal.user_id)
        request.answered_at, request.answered_by, request.answer_post_id = now(), principal.user_id, post.id
        request.answered_for_organization_id = advisor.organization_id if advisor else None
        if request.status in ("open", "claimed"):
            request.status = "answered"
    await session.flush()
    await record(
        session,
        outbox,
        AdvisoryAnswered(
            request_id=request.id,
            thread_id=thread.id,
            post_id=post.id,
            advisor_id=principal.user_id,
            asker_id=request.asker_id,
        ),
        subject=str(request.id),
    )
    return request, post


async def accept(
    principal: Principal, request_id: uuid.UUID, post_id: uuid.UUID, *, session: AsyncSession
) -> AdvisoryRequest:
    request = await get_request(request_id, session=session, for_update=True)
    thread, _ = await readable_thread(request.thread_id, principal, session=session)
    if request.asker_id != principal.user_id:
        raise DomainError("forbidden", "only the person who asked accepts an answer")
    post = await session.get(Post, post_id)
    if post is None or post.thread_id != thread.id or post.deleted_at is not None or post.hidden:
        raise NotFound("post", post_id, code="post_not_found")
    if post.author_id in (None, principal.user_id):
        raise DomainError(
            "validation_error",
            "accept an answer someone else wrote",
            details={"fields": [{"field": "post_id", "problem": "not an answer"}]},
        )
    if request.accepted_post_id == post.id:
        return request
    request.status, request.accepted_post_id, request.accepted_at = "solved", post.id, now()
    thread.solved = True
    await session.flush()
    await record(
        session,
        outbox,
        AdvisoryAccepted(
            request_id=request.id,
            thread_id=thread.id,
            post_id=post.id,
            advisor_id=post.author_id,
            asker_id=request.asker_id,
        ),
        subject=str(request.id),
    )
    return request


async def escalate_overdue(
    settings: ForumSettings, *, session: AsyncSession, moment: datetime | None = None
) -> int:
    """Escalate requests unanswered past the deadline, each exactly once (safe with several replicas)."""
    moment = moment or now()
    deadline = moment - timedelta(seconds=settings.advisory_escalate_after_s)
    query = (
        select(AdvisoryRequest)
        .where(
            AdvisoryRequest.answered_at.is_(None),
            AdvisoryRequest.escalated_at.is_(None),
            AdvisoryRequest.status.in_(("open", "claimed")),
            AdvisoryRequest.created_at <= deadline,
        )
        .order_by(AdvisoryRequest.created_at)
        .limit(500)
        .with_for_update(skip_locked=True)
    )
    overdue = list((await session.execute(query)).scalars())
    for request in overdue:
        request.escalated_at = moment
        await record(
            session,
            outbox,
            AdvisoryEscalated(
                request_id=request.id,
                thread_id=request.thread_id,
                topic=request.topic,
                country=request.country,
                waited_s=(moment - aware(request.created_at)).total_seconds(),
            ),
            subject=str(request.id),
        )
    await session.flush()
    return len(overdue)


async def list_requests(
    principal: Principal,
    *,
    scope: str,
    status: str | None,
    topic: str | None,
    country: str | None,
    session: AsyncSession,
    cursor: str | None = None,
    limit: int = 30,
) -> tuple[list[AdvisoryRequest], list[str], str | None]:
    """scope: routed (to me), asked (by me), or all (advisors and moderators)."""
    query = select(AdvisoryRequest)
    if scope == "routed":
        query = query.join(
            AdvisoryRoute,
            and_(
                AdvisoryRoute.request_id == AdvisoryRequest.id, AdvisoryRoute.advisor_id == principal.user_id
            ),
        )
    elif scope == "asked":
        query = query.where(AdvisoryRequest.asker_id == principal.user_id)
    elif not principal.has_any(*ADVISOR_ROLES, "moderator"):
        raise DomainError("forbidden", "only advisors and moderators see every request")
    for column, value in (
        (AdvisoryRequest.status, status),
        (AdvisoryRequest.topic, topic),
        (AdvisoryRequest.country, country.upper() if country else None),
    ):
        if value:
            query = query.where(column == value)
    if (after := decode_cursor(cursor)) is not None:
        moment = datetime.fromisoformat(after[0])
        moment = moment.replace(tzinfo=None) if session.bind.dialect.name == "sqlite" else moment
        last = uuid.UUID(after[1])
        query = query.where(
            or_(
                AdvisoryRequest.created_at < moment,
                and_(AdvisoryRequest.created_at == moment, AdvisoryRequest.id > last),
            )
        )
    limit = max(1, min(limit, MAX_PAGE))
    query = query.order_by(AdvisoryRequest.created_at.desc(), AdvisoryRequest.id).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r.created_at.isoformat(), str(r.id)) for r in rows]
    return rows, cursors, (cursors[-1] if more else None)


async def response_times(*, session: AsyncSession) -> list[dict]:
    """Per agency (or independent experts): answered, solved, and first-response times in seconds."""
    rows = (
        await session.execute(select(AdvisoryRequest).where(AdvisoryRequest.answered_at.is_not(None)))
    ).scalars()
    waits: dict[uuid.UUID | None, list[float]] = {}
    solved: dict[uuid.UUID | None, int] = {}
    for r in rows:
        key = r.answered_for_organization_id
        waits.setdefault(key, []).append((aware(r.answered_at) - aware(r.created_at)).total_seconds())
        solved[key] = solved.get(key, 0) + (r.status == "solved")
    names = {
        o.id: o.name
        for o in (
            await session.execute(select(Organization).where(Organization.id.in_([k for k in waits if k])))
        ).scalars()
    }
    figures = [
        {
            "organization_id": key,
            "organization_name": names.get(key) if key else None,
            "answered": len(w),
            "solved": solved[key],
            "mean_response_s": statistics.fmean(w),
            "median_response_s": statistics.median(w),
            "max_response_s": max(w),
        }
        for key, w in waits.items()
    ]
    return sorted(figures, key=lambda f: f["median_response_s"])

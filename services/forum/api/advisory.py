"""Online advisory: topics, advisor profiles, requests, claiming, answering, accepting, figures."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from services.forum.api.deps import Redis, Settings
from services.forum.models import Advisor
from services.forum.schemas import (
    AcceptIn,
    AdvisorIn,
    AdvisorOut,
    AdvisoryOut,
    AnswerIn,
    AnswerOut,
    PostOut,
    ResponseTimeOut,
    TopicOut,
)
from services.forum.service import advisory, reading
from services.forum.topics import topics
from shared.app import Session
from shared.auth import CurrentUser
from shared.errors import NotFound
from shared.pagination import MAX_PAGE, Page

router = APIRouter(tags=["advisory"])


@router.get("/advisory/topics", response_model=list[TopicOut])
async def list_topics() -> list[TopicOut]:
    return [TopicOut(slug=k, name_es=v["es"], name_en=v["en"]) for k, v in topics().items()]


@router.put("/advisors/me", response_model=AdvisorOut, summary="Register or update my advisor profile")
async def save_profile(body: AdvisorIn, session: Session, user: CurrentUser) -> AdvisorOut:
    profile = await advisory.save_profile(
        user,
        topics_=body.topics,
        countries=body.countries,
        organization_id=body.organization_id,
        bio=body.bio,
        active=body.active,
        session=session,
    )
    return AdvisorOut.model_validate(profile)


@router.get("/advisors/me", response_model=AdvisorOut)
async def my_profile(session: Session, user: CurrentUser) -> AdvisorOut:
    profile = await session.get(Advisor, user.user_id)
    if profile is None:
        raise NotFound("advisor profile", user.user_id)
    return AdvisorOut.model_validate(profile)


@router.get("/advisory/requests", response_model=Page[AdvisoryOut])
async def list_requests(
    session: Session,
    user: CurrentUser,
    scope: str = Query(default="asked", pattern="^(routed|asked|all)$"),
    status: str | None = None,
    topic: str | None = None,
    country: str | None = None,
    cursor: str | None = None,
    limit: int = Query(default=30, ge=1, le=MAX_PAGE),
) -> Page[AdvisoryOut]:
    rows, cursors, next_cursor = await advisory.list_requests(
        user,
        scope=scope,
        status=status,
        topic=topic,
        country=country,
        session=session,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[AdvisoryOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=next_cursor)


@router.get("/advisory/requests/{request_id}", response_model=AdvisoryOut)
async def get_request(request_id: uuid.UUID, session: Session, user: CurrentUser) -> AdvisoryOut:
    request = await advisory.get_request(request_id, session=session)
    await reading.readable_thread(request.thread_id, user, session=session)
    return AdvisoryOut.model_validate(request)


@router.post("/advisory/requests/{request_id}/claim", response_model=AdvisoryOut)
async def claim(request_id: uuid.UUID, session: Session, user: CurrentUser) -> AdvisoryOut:
    return AdvisoryOut.model_validate(await advisory.claim(user, request_id, session=session))


@router.post("/advisory/requests/{request_id}/answers", response_model=AnswerOut, status_code=201)
async def answer(
    request_id: uuid.UUID,
    body: AnswerIn,
    session: Session,
    user: CurrentUser,
    settings: Settings,
    redis: Redis,
) -> AnswerOut:
    request, post = await advisory.answer(
        user, request_id, body.body, settings=settings, session=session, redis=redis
    )
    view = await reading.get_post(user, post.id, session=session)
    return AnswerOut(advisory=AdvisoryOut.model_validate(request), post=PostOut.of(view))


@router.post("/advisory/requests/{request_id}/accept", response_model=AdvisoryOut)
async def accept(request_id: uuid.UUID, body: AcceptIn, session: Session, user: CurrentUser) -> AdvisoryOut:
    return AdvisoryOut.model_validate(await advisory.accept(user, request_id, body.post_id, session=session))


@router.get(
    "/advisory/response-times",
    response_model=list[ResponseTimeOut],
    summary="First-response times per agency (independent experts under a null agency)",
)
async def response_times(session: Session) -> list[ResponseTimeOut]:
    return [ResponseTimeOut(**f) for f in await advisory.response_times(session=session)]

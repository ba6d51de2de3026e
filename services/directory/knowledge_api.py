"""REST routes of the check-up, the financing inventory, the knowledge base and the participants."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, status

from services.directory import knowledge
from services.directory.knowledge_schemas import (
    CheckupIn,
    CheckupOut,
    DimensionOut,
    DocumentOut,
    FinancingProgrammeOut,
    OptionOut,
    ParticipantOut,
    QuestionnaireOut,
    QuestionOut,
)
from services.directory.organizations import checkup, checkups
from shared.app import Session
from shared.auth import CurrentUser, MaybeUser
from shared.pagination import MAX_PAGE, Page

router = APIRouter()


@router.get("/checkup/questionnaire", response_model=QuestionnaireOut, tags=["check-up"])
async def questionnaire() -> QuestionnaireOut:
    return QuestionnaireOut(
        version=checkup.VERSION,
        dimensions=[
            DimensionOut(code=c, name_es=es, name_en=en) for c, (es, en) in checkup.DIMENSIONS.items()
        ],
        questions=[
            QuestionOut(
                id=q.id,
                dimension=q.dimension,
                text_es=q.text_es,
                text_en=q.text_en,
                options=[
                    OptionOut(code=o.code, points=o.points, label_es=o.label_es, label_en=o.label_en)
                    for o in q.options
                ],
            )
            for q in checkup.QUESTIONS
        ],
    )


@router.post(
    "/organizations/{organization_id}/checkups",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckupOut,
    tags=["check-up"],
    summary="Fill the Export Check-Up (the organization's managers); its score joins the profile",
)
async def submit_checkup(
    organization_id: uuid.UUID, body: CheckupIn, session: Session, user: CurrentUser
) -> CheckupOut:
    entry = await checkups.submit_checkup(organization_id, body.answers, session=session, actor=user)
    return CheckupOut.model_validate(entry)


@router.get(
    "/organizations/{organization_id}/checkups",
    response_model=Page[CheckupOut],
    tags=["check-up"],
    summary="Check-up history, newest first",
)
async def checkup_history(
    organization_id: uuid.UUID,
    session: Session,
    cursor: str | None = None,
    limit: int = Query(default=20, ge=1, le=MAX_PAGE),
) -> Page[CheckupOut]:
    rows, cursors, nxt = await checkups.checkup_history(
        organization_id, session=session, cursor=cursor, limit=limit
    )
    return Page(items=[CheckupOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=nxt)


@router.get("/financing-programmes", response_model=Page[FinancingProgrammeOut], tags=["financing"])
async def list_financing_programmes(
    session: Session,
    country: str | None = Query(default=None, min_length=2, max_length=2),
    instrument: str | None = Query(
        default=None, description="grant, credit, guarantee, factoring, co_financing, technical_assistance"
    ),
    institution_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[FinancingProgrammeOut]:
    rows, cursors, nxt = await knowledge.list_financing_programmes(
        session=session,
        country=country,
        instrument=instrument,
        institution_id=institution_id,
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[FinancingProgrammeOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=nxt
    )


@router.get("/financing-programmes/{programme_id}", response_model=FinancingProgrammeOut, tags=["financing"])
async def get_financing_programme(programme_id: uuid.UUID, session: Session) -> FinancingProgrammeOut:
    return FinancingProgrammeOut.model_validate(
        await knowledge.get_financing_programme(programme_id, session=session)
    )


@router.get("/documents", response_model=Page[DocumentOut], tags=["knowledge"])
async def list_documents(
    session: Session,
    kind: str | None = Query(default=None, description="presentation, conclusions or recommendations"),
    country: str | None = Query(default=None, min_length=2, max_length=2),
    meeting_session: str | None = Query(default=None, alias="session", description="e.g. 'Sesión II'"),
    organization_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[DocumentOut]:
    rows, cursors, nxt = await knowledge.list_documents(
        session=session,
        kind=kind,
        country=country,
        session_name=meeting_session,
        organization_id=organization_id,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[DocumentOut.model_validate(r) for r in rows], cursors=cursors, next_cursor=nxt)


@router.get("/documents/{document_id}", response_model=DocumentOut, tags=["knowledge"])
async def get_document(document_id: uuid.UUID, session: Session) -> DocumentOut:
    return DocumentOut.model_validate(await knowledge.get_document(document_id, session=session))


@router.get(
    "/participants",
    response_model=Page[ParticipantOut],
    tags=["knowledge"],
    summary="People of the 2015 meeting; members-only records and contacts need a signed-in member",
)
async def list_participants(
    session: Session,
    user: MaybeUser,
    organization_id: uuid.UUID | None = None,
    country: str | None = Query(default=None, min_length=2, max_length=2),
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> Page[ParticipantOut]:
    rows, cursors, nxt = await knowledge.list_participants(
        session=session,
        signed_in=user is not None,
        organization_id=organization_id,
        country=country,
        cursor=cursor,
        limit=limit,
    )
    items = []
    for r in rows:
        out = ParticipantOut.model_validate(r)
        if user is None:
            out.email, out.other_emails, out.phone = None, [], None
        items.append(out)
    return Page(items=items, cursors=cursors, next_cursor=nxt)

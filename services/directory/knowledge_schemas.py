"""REST shapes of check-ups, financing programmes, documents and participants."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.directory.schemas import as_utc


class CheckupIn(BaseModel):
    answers: dict[str, str] = Field(description="question id -> option code, for every question")


class CheckupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    questionnaire_version: int
    score: int = Field(description="0-100: the mean of the six dimensions")
    dimension_scores: dict[str, int]
    answers: dict[str, str]
    created_at: datetime

    _utc = field_validator("created_at")(as_utc)


class OptionOut(BaseModel):
    code: str
    points: int
    label_es: str
    label_en: str


class QuestionOut(BaseModel):
    id: str
    dimension: str
    text_es: str
    text_en: str
    options: list[OptionOut]


class DimensionOut(BaseModel):
    code: str
    name_es: str
    name_en: str


class QuestionnaireOut(BaseModel):
    version: int
    dimensions: list[DimensionOut]
    questions: list[QuestionOut]


class FinancingProgrammeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    programme: str
    institution_id: uuid.UUID | None
    country: str | None
    instrument: str | None
    instrument_inferred: bool
    eligible_es: str
    eligible_en: str
    description_es: str
    description_en: str
    link: str | None
    source: str | None
    notes: str | None
    seed_key: str | None


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str = Field(description="presentation, conclusions or recommendations")
    symbol: str | None
    title: str
    title_en: str
    presenter: str | None
    presenter_role: str | None
    organization_id: uuid.UUID | None
    country: str | None
    session: str | None
    summary_es: str
    summary_en: str
    text_es: str
    text_en: str
    items: list[dict[str, Any]]
    source: str | None
    seed_key: str | None


class ParticipantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: str | None
    organization_id: uuid.UUID | None
    country: str | None
    in_participant_list: bool
    email: str | None = Field(default=None, description="Signed-in members only")
    other_emails: list[str] = []
    phone: str | None = Field(default=None, description="Signed-in members only")

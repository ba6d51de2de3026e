"""GraphQL types of the Export Check-Up: the questionnaire and filled check-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from gateway.pagination import Connection


@strawberry.type(description="One answer option and the points it is worth.")
class CheckupOption:
    code: str
    points: int
    label_es: str
    label_en: str


@strawberry.type(description="A question of the Export Check-Up.")
class CheckupQuestion:
    id: str
    dimension: str
    text_es: str
    text_en: str
    options: list[CheckupOption]


@strawberry.type(description="A dimension of the check-up, scored 0-100.")
class CheckupDimension:
    code: str
    name_es: str
    name_en: str


@strawberry.type(description="The Export Check-Up questionnaire (bilingual).")
class CheckupQuestionnaire:
    version: int
    dimensions: list[CheckupDimension]
    questions: list[CheckupQuestion]

    @staticmethod
    def from_row(row: dict[str, Any]) -> CheckupQuestionnaire:
        return CheckupQuestionnaire(
            version=row["version"],
            dimensions=[CheckupDimension(**d) for d in row["dimensions"]],
            questions=[
                CheckupQuestion(
                    **{k: q[k] for k in ("id", "dimension", "text_es", "text_en")},
                    options=[CheckupOption(**o) for o in q["options"]],
                )
                for q in row["questions"]
            ],
        )


@strawberry.type(description="A dimension's score in one check-up.")
class DimensionScore:
    dimension: str
    score: int


@strawberry.type(description="One filled Export Check-Up.")
class Checkup:
    id: strawberry.ID
    organization_id: strawberry.ID
    questionnaire_version: int
    score: int = strawberry.field(description="0-100: the mean of the six dimensions.")
    dimensions: list[DimensionScore]
    created_at: datetime

    @staticmethod
    def from_row(row: dict[str, Any]) -> Checkup:
        return Checkup(
            id=strawberry.ID(row["id"]),
            organization_id=strawberry.ID(row["organization_id"]),
            questionnaire_version=row["questionnaire_version"],
            score=row["score"],
            dimensions=[DimensionScore(dimension=k, score=v) for k, v in row["dimension_scores"].items()],
            created_at=datetime.fromisoformat(row["created_at"]),
        )


@strawberry.input(description="The option chosen for one question.")
class CheckupAnswerInput:
    question_id: str
    option: str


async def checkup_connection(
    info: strawberry.Info, organization_id: str, first: int, after: str | None
) -> Connection[Checkup]:
    params = {"limit": first} | ({"cursor": after} if after else {})
    page = await info.context.clients.directory.get(
        f"/organizations/{organization_id}/checkups", params=params
    )
    return Connection.of([Checkup.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"])

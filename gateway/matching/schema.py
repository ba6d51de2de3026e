"""Matching's queries, mutations and live subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from gateway.clients import ServiceError
from gateway.config import get_settings
from gateway.errors import from_service_error
from gateway.matching.types import (
    FormationProposal,
    Match,
    MatchResponse,
    MatchType,
    ProposeFormationInput,
    ProposeFormationResult,
    ProposeFormationSuccess,
    RespondToMatchResult,
    RespondToMatchSuccess,
)
from gateway.pagination import Connection
from gateway.subscriptions import live, require_principal
from shared.errors import DomainError
from shared.messaging import live as subjects


@strawberry.type
class MatchingQuery:
    @strawberry.field(
        description="An organization's suggestions, best first (its managers and agency officers)."
    )
    async def matches(
        self,
        info: strawberry.Info,
        organization_id: strawberry.ID,
        type: MatchType | None = None,
        min_score: float = 0.0,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Match]:
        limit = max(1, min(first, 200))  # the service's page limit
        params = {
            "type": type.value if type else None,
            "min_score": min(max(min_score, 0.0), 1.0),
            "limit": limit,
            "cursor": after,
        }
        page = await info.context.clients.matching.get(
            f"/organizations/{organization_id}/matches",
            params={k: v for k, v in params.items() if v is not None},
        )
        return Connection.of([Match.from_row(r) for r in page["items"]], page["cursors"], page["next_cursor"])

    @strawberry.field(description="A formation proposal computed earlier; null when there is none.")
    async def formation_proposal(self, info: strawberry.Info, id: strawberry.ID) -> FormationProposal | None:
        try:
            return FormationProposal.from_row(await info.context.clients.matching.get(f"/formations/{id}"))
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise


@strawberry.type
class MatchingMutation:
    @strawberry.mutation(description="Accept or decline a suggestion for an organization you manage.")
    async def respond_to_match(
        self,
        info: strawberry.Info,
        match_id: strawberry.ID,
        organization_id: strawberry.ID,
        response: MatchResponse,
    ) -> RespondToMatchResult:
        try:
            row = await info.context.clients.matching.post(
                f"/matches/{match_id}/responses",
                json={"organization_id": str(organization_id), "response": response.value},
            )
        except ServiceError as exc:
            return from_service_error(exc)
        return RespondToMatchSuccess(match=Match.from_row(row))

    @strawberry.mutation(
        description="Propose consortia of 7-10 for a pool (consortium managers, agency officers)."
    )
    async def propose_formation(
        self, info: strawberry.Info, input: ProposeFormationInput
    ) -> ProposeFormationResult:
        body = {k: v for k, v in strawberry.asdict(input).items() if v is not None}
        if input.organization_ids is not None:
            body["organization_ids"] = [str(i) for i in input.organization_ids]
        try:
            row = await info.context.clients.matching.post("/formations", json=body)
        except ServiceError as exc:
            return from_service_error(exc)  # type: ignore[return-value]
        return ProposeFormationSuccess(proposal=FormationProposal.from_row(row))


@strawberry.type
class MatchingSubscription:
    @strawberry.subscription(
        description="New suggestions for an organization as they are found (signed-in users)."
    )
    async def matches(
        self, info: strawberry.Info, organization_id: strawberry.ID
    ) -> AsyncGenerator[Match, None]:
        require_principal(info)
        try:  # may the subscriber read this organization's suggestions? (its managers, agency officers)
            await info.context.clients.matching.get(
                f"/organizations/{organization_id}/matches", params={"limit": 1}
            )
        except ServiceError as exc:
            raise DomainError(exc.code if exc.status < 500 else "unavailable", exc.message) from None
        settings = getattr(info.context.request.app.state, "settings", None) or get_settings()
        async for payload in live(info, subjects.organization_matches(settings, str(organization_id))):
            yield Match.from_row(payload)

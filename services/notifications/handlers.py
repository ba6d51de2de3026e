"""Every event notifications consumes, and what it becomes: a projection update or a fan-out.

Fan-outs are deferred to the end of the consumer's batch (``fanout.defer``), where they run together
with one query per kind of lookup instead of one per event. A handler that changes the projection
(people, organizations, preferences) first fans out what earlier events of the batch left, so every
event is fanned out against the projection as it stood when the event came, as if applied one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications import queue, recipients
from services.notifications.effects import Hub
from services.notifications.fanout import Signal, defer, flush_deferred
from services.notifications.models import OrganizationView, Recipient
from shared.events import directory as d
from shared.events import forum as f
from shared.events import matching as m
from shared.events.catalog import DomainEvent
from shared.events.envelope import CloudEvent
from shared.messaging.consumer import Handler, HandlerRegistry


def build_registry(hub: Hub) -> HandlerRegistry:
    registry = HandlerRegistry()
    on = registry.on

    async def signal(sig: Signal, session: AsyncSession) -> None:
        defer(session, sig)

    @registry.before_commit
    async def fan_out_batch(session: AsyncSession) -> None:
        await flush_deferred(session, hub)

    def projection(event_cls: type[DomainEvent]) -> Callable[[Handler], Handler]:
        """A handler that changes the projection: the batch's signals so far go out before it does."""

        def register(fn: Handler) -> Handler:
            async def after_pending(
                event: DomainEvent, *, session: AsyncSession, envelope: CloudEvent
            ) -> None:
                await flush_deferred(session, hub)
                await fn(event, session=session, envelope=envelope)

            registry.add(event_cls, after_pending)
            return fn

        return register

    # --- directory: who can be told, and what the network gained -------------------------------
    @projection(d.UserRegistered)
    async def user_registered(e: d.UserRegistered, *, session: AsyncSession, envelope: CloudEvent) -> None:
        await recipients.user_registered(e, session=session)
        hub.effects(session).forget_subscriptions = True  # role defaults may have been added

    @projection(d.UserContactChanged)
    async def contact_changed(
        e: d.UserContactChanged, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await recipients.contact_changed(e, session=session)

    @projection(d.OrganizationManagerAdded)
    async def manager_added(
        e: d.OrganizationManagerAdded, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await recipients.link(e.user_id, e.organization_id, session=session)

    @projection(d.OrganizationManagerRemoved)
    async def manager_removed(
        e: d.OrganizationManagerRemoved, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await recipients.unlink(e.user_id, e.organization_id, session=session)

    @projection(d.OrganizationRegistered)
    async def organization_registered(
        e: d.OrganizationRegistered, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await _project(e, session, hub)
        await signal(
            Signal(
                "organization.registered",
                envelope.id,
                {
                    "organization_id": str(e.organization_id),
                    "name": e.name,
                    "country": e.country,
                    "kind": e.kind,
                    "sectors": ", ".join(e.sectors),
                },
                attributes={"countries": [e.country], "sectors": e.sectors, "organization_kind": e.kind},
            ),
            session,
        )

    @projection(d.OrganizationUpdated)
    async def organization_updated(
        e: d.OrganizationUpdated, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await _project(e, session, hub)

    @projection(d.OrganizationDeleted)
    async def organization_deleted(
        e: d.OrganizationDeleted, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await session.execute(delete(OrganizationView).where(OrganizationView.id == e.organization_id))

    @on(d.ConsortiumCreated)
    async def consortium_created(
        e: d.ConsortiumCreated, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(
            Signal(
                "consortium.created",
                envelope.id,
                {"consortium_id": str(e.consortium_id), "name": e.name, "country": e.country},
                attributes={"countries": [e.country]},
                exclude={e.manager_user_id} if e.manager_user_id else set(),
            ),
            session,
        )

    @projection(d.PasswordResetRequested)
    async def password_reset(
        e: d.PasswordResetRequested, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await recipients.ensure(e.user_id, language=e.language, session=session)
        await queue.enqueue_email(
            session,
            user_id=e.user_id,
            due=datetime.now(UTC),
            dedupe=f"email:reset:{envelope.id}",
            payload={
                "kind": "account.password_reset",
                "params": {"reset_url": e.reset_url, "expires_at": e.expires_at},
            },
        )
        hub.effects(session).wake_queue = True

    # --- matching ------------------------------------------------------------------------------
    @on(m.MatchFound)
    async def match_found(e: m.MatchFound, *, session: AsyncSession, envelope: CloudEvent) -> None:
        params = {
            "match_id": str(e.match_id),
            "match_type": e.match_type,
            "score": e.score,
            "organization_id": str(e.organization_id),
            "counterpart_id": str(e.counterpart_id),
            "reasons_es": "; ".join(e.reasons_es),
            "reasons_en": "; ".join(e.reasons_en),
            "countries": e.countries,
            "sectors": e.sectors,
        }
        attrs = {
            "countries": e.countries,
            "sectors": e.sectors,
            "match_type": e.match_type,
            "score": e.score,
            "organization_ids": [str(e.organization_id), str(e.counterpart_id)],
        }
        orgs = [e.organization_id, e.counterpart_id]
        named = {"name": e.organization_id, "counterpart": e.counterpart_id}
        sig = Signal("match.found", envelope.id, params, attributes=attrs, organizations=orgs, names=named)
        await signal(sig, session)

    @on(m.IntroductionAccepted)
    async def introduction_accepted(
        e: m.IntroductionAccepted, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(
            Signal(
                "introduction.accepted",
                envelope.id,
                {
                    "introduction_id": str(e.introduction_id),
                    "match_id": str(e.match_id),
                    "match_type": e.match_type,
                },
                concerned=set(e.user_ids),
                organizations=list(e.organization_ids),
            ),
            session,
        )

    # --- forum ---------------------------------------------------------------------------------
    @on(f.PostCreated)
    async def post_created(e: f.PostCreated, *, session: AsyncSession, envelope: CloudEvent) -> None:
        params = {
            "post_id": str(e.post_id),
            "thread_id": str(e.thread_id),
            "space_id": str(e.space_id),
            "excerpt": e.excerpt[:280],
        }
        author = {e.author_id} if e.author_id else set()
        replied = {e.reply_to_author_id} - author if e.reply_to_author_id else set()
        if replied:
            await signal(Signal("forum.reply", envelope.id, params, concerned=replied), session)
        if not e.is_private:  # followers of a category may not be members of a private space
            await signal(
                Signal(
                    "forum.post",
                    envelope.id,
                    params,
                    exclude=author | replied,
                    attributes={"space_id": str(e.space_id), "thread_id": str(e.thread_id)},
                ),
                session,
            )

    @on(f.UserMentioned)
    async def mentioned(e: f.UserMentioned, *, session: AsyncSession, envelope: CloudEvent) -> None:
        author = await session.get(Recipient, e.author_id) if e.author_id else None
        name = author.display_name if author and author.display_name else None
        await signal(
            Signal(
                "forum.mention",
                envelope.id,
                {
                    "post_id": str(e.post_id),
                    "thread_id": str(e.thread_id),
                    "author_es": name or "Alguien",
                    "author_en": name or "Someone",
                },
                concerned={e.mentioned_user_id} - {e.author_id},
            ),
            session,
        )

    @on(f.AdvisoryRequested)
    async def advisory_requested(
        e: f.AdvisoryRequested, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(
            Signal(
                "advisory.requested",
                envelope.id,
                {
                    "request_id": str(e.request_id),
                    "thread_id": str(e.thread_id),
                    "topic": e.topic,
                    "country": e.country or "—",
                },
                concerned=set(e.advisor_ids),
                exclude={e.asker_id},
                attributes={"countries": [e.country] if e.country else [], "topic": e.topic},
            ),
            session,
        )

    @on(f.AdvisoryAnswered)
    async def advisory_answered(
        e: f.AdvisoryAnswered, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(Signal("advisory.answered", envelope.id, _advisory(e), concerned={e.asker_id}), session)

    @on(f.AdvisoryAccepted)
    async def advisory_accepted(
        e: f.AdvisoryAccepted, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(
            Signal("advisory.accepted", envelope.id, _advisory(e), concerned={e.advisor_id}), session
        )

    @on(f.AdvisoryEscalated)
    async def advisory_escalated(
        e: f.AdvisoryEscalated, *, session: AsyncSession, envelope: CloudEvent
    ) -> None:
        await signal(
            Signal(
                "advisory.escalated",
                envelope.id,
                {
                    "request_id": str(e.request_id),
                    "thread_id": str(e.thread_id),
                    "topic": e.topic,
                    "country": e.country or "—",
                    "hours": e.waited_s / 3600,
                },
                attributes={"countries": [e.country] if e.country else [], "topic": e.topic},
            ),
            session,
        )

    return registry


def _advisory(e: f.AdvisoryAnswered | f.AdvisoryAccepted) -> dict[str, str]:
    return {"request_id": str(e.request_id), "thread_id": str(e.thread_id), "post_id": str(e.post_id)}


async def _project(e: d.OrganizationProfile, session: AsyncSession, hub: Hub) -> None:
    row = await session.get(OrganizationView, e.organization_id)
    if row is None:
        row = OrganizationView(id=e.organization_id)
        session.add(row)
    row.name, row.kind, row.country, row.sectors = e.name, e.kind, e.country, list(e.sectors)
    hub.forget_name(e.organization_id)

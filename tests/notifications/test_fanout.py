"""Fan-out: subscribers with matching filters and the people an event concerns get one notification each."""

from __future__ import annotations

import asyncio
import json
import uuid

from shared.events.directory import OrganizationRegistered
from shared.events.forum import PostCreated, UserMentioned
from shared.events.matching import MatchFound
from shared.messaging.live import user_notifications


def match(
    org: uuid.UUID | None = None,
    *,
    country: str = "CR",
    sector: str = "cacao",
    score: float = 0.8,
    match_type: str = "partner",
) -> MatchFound:
    return MatchFound(
        match_id=uuid.uuid4(),
        match_type=match_type,
        organization_id=org or uuid.uuid4(),
        counterpart_id=uuid.uuid4(),
        score=score,
        reasons_es=["Mismo sector"],
        reasons_en=["Same sector"],
        countries=[country],
        sectors=[sector],
    )


async def subscribe(n, user, **body):  # type: ignore[no-untyped-def]
    response = await n.client.post("/subscriptions", json=body, headers=n.headers(user))
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_officer_subscribed_to_a_country_and_sector_gets_its_matches_and_no_others(notifications):
    n = notifications
    officer = await n.person("agency_officer", email="oficial@procomer.example")
    elsewhere = await n.person("agency_officer")
    await subscribe(
        n,
        officer,
        kind="match.found",
        filters={"countries": ["CR"], "sectors": ["agroindustry"], "min_score": 0.5},
        email="daily",
    )
    await subscribe(n, elsewhere, kind="match.found", filters={"countries": ["JM"]})
    await n.settled("directory")

    await n.publish(match(country="CR", sector="cacao", score=0.9))  # cacao is in the agro-industry family
    await n.publish(match(country="CR", sector="cacao", score=0.3))  # below the officer's minimum
    await n.publish(match(country="PA", sector="cacao"))
    await n.settled()

    items = await n.wait_for_inbox(officer, 1)
    assert len(items) == 1 and items[0]["kind"] == "match.found" and items[0]["item_count"] == 1
    assert (await n.inbox(elsewhere))["items"] == []


async def test_the_people_of_a_matched_sme_are_told_without_subscribing(notifications):
    n = notifications
    sme = uuid.uuid4()
    await n.publish(
        OrganizationRegistered(organization_id=sme, name="Cacao del Sur", kind="sme", country="CR")
    )
    owner = await n.person("member", organization_id=sme, language="en")
    await n.settled("directory")
    await n.publish(match(sme))
    items = await n.wait_for_inbox(owner, 1)
    assert items[0]["title"].startswith("New match: Cacao del Sur")


async def test_a_redelivered_event_gives_no_second_notification(notifications):
    n = notifications
    author, mentioned = await n.person("member"), await n.person("member")
    await n.settled("directory")
    event = UserMentioned(
        post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=mentioned, author_id=author
    )
    event_id = str(uuid.uuid4())
    await n.publish(event, event_id=event_id)
    told = await n.wait_for_inbox(mentioned, 1)
    assert told[0]["body"] == f"Persona {author.hex[:4]} te mencionó en un tema."  # who, not "someone"
    # Past JetStream's duplicate window the broker would deliver it again: the same CloudEvent id.
    js = n.nc.jetstream()
    envelope = event.envelope()
    envelope.id = event_id
    await js.publish(
        n.settings.subject(event.spec.subject), envelope.to_json(), headers={"Nats-Msg-Id": "other"}
    )
    await n.settled("forum")
    assert len((await n.inbox(mentioned))["items"]) == 1


async def test_the_author_is_not_told_of_their_own_reply_and_the_replied_person_is(notifications):
    n = notifications
    asker, replier = await n.person("member"), await n.person("member")
    await n.settled("directory")
    await n.publish(
        PostCreated(
            post_id=uuid.uuid4(),
            thread_id=uuid.uuid4(),
            space_id=uuid.uuid4(),
            author_id=replier,
            reply_to_author_id=asker,
            excerpt="Sí, exportamos a Chile",
        )
    )
    await n.settled()
    items = await n.wait_for_inbox(asker, 1)
    assert items[0]["kind"] == "forum.reply" and items[0]["body"] == "Sí, exportamos a Chile"
    assert (await n.inbox(replier))["items"] == []


async def test_inbox_pages_counts_unread_and_marks_read(notifications):
    n = notifications
    user = await n.person("member")
    await n.settled("directory")
    for _ in range(5):
        await n.publish(UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=user))
    await n.wait_for_inbox(user, 5)
    first = await n.inbox(user, limit=2)
    second = await n.inbox(user, limit=2, cursor=first["next_cursor"])
    third = await n.inbox(user, limit=2, cursor=second["next_cursor"])
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(ids) == len(set(ids)) == 5 and third["next_cursor"] is None

    h = n.headers(user)
    assert (await n.client.get("/notifications/unread-count", headers=h)).json() == {"count": 5}
    read = await n.client.post("/notifications/read", json={"ids": ids[:2]}, headers=h)
    assert read.json() == {"marked": 2, "unread": 3}
    stranger = await n.client.post(
        "/notifications/read", json={"ids": ids[2:]}, headers=n.headers(uuid.uuid4())
    )
    assert stranger.json()["marked"] == 0
    assert (await n.client.post("/notifications/read-all", headers=h)).json() == {"marked": 3, "unread": 0}
    assert (await n.inbox(user, unread_only="true"))["items"] == []


async def test_a_new_notification_is_pushed_on_the_users_live_subject(notifications):
    n = notifications
    user = await n.person("member")
    await n.settled("directory")
    received: asyncio.Queue = asyncio.Queue()
    sub = await n.nc.subscribe(user_notifications(n.settings, str(user)), cb=received.put)
    try:
        await n.publish(UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=user))
        message = json.loads((await asyncio.wait_for(received.get(), 10)).data)
        assert message["kind"] == "forum.mention" and message["itemCount"] == 1
        assert message["id"] == (await n.wait_for_inbox(user, 1))[0]["id"]
    finally:
        await sub.unsubscribe()


async def test_subscriptions_refuse_unknown_kinds_and_filters_with_clear_codes(notifications):
    n = notifications
    user = uuid.uuid4()
    h = n.headers(user)
    bad_kind = await n.client.post("/subscriptions", json={"kind": "weather.changed"}, headers=h)
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["code"] == "unknown_notification_kind"
    bad_filter = await n.client.post(
        "/subscriptions", json={"kind": "consortium.created", "filters": {"sectors": ["cacao"]}}, headers=h
    )
    assert bad_filter.json()["error"]["code"] == "invalid_filter"
    bad_sector = await n.client.post(
        "/subscriptions", json={"kind": "match.found", "filters": {"sectors": ["unobtainium"]}}, headers=h
    )
    assert bad_sector.json()["error"]["code"] == "unknown_sector"
    assert (await n.client.get("/subscriptions", headers=h)).json()["items"] == []
    anonymous = await n.client.get("/subscriptions")
    assert anonymous.status_code == 401


async def test_advisors_start_with_advisory_subscriptions(notifications):
    n = notifications
    advisor = await n.person("advisor")
    await n.settled("directory")
    subs = (await n.client.get("/subscriptions", headers=n.headers(advisor))).json()["items"]
    assert {s["kind"] for s in subs} == {"advisory.requested", "advisory.escalated"}
    assert all(s["is_default"] for s in subs)

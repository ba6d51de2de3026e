"""Bursts of a grouped kind: the first alert at once, the rest of the window as one follow-up alert."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from shared.events.matching import MatchFound
from shared.messaging.live import user_notifications


def match() -> MatchFound:
    return MatchFound(
        match_id=uuid.uuid4(),
        match_type="partner",
        organization_id=uuid.uuid4(),
        counterpart_id=uuid.uuid4(),
        score=0.8,
        countries=["CR"],
        sectors=["cacao"],
    )


async def officer_following_costa_rica(n) -> uuid.UUID:  # type: ignore[no-untyped-def]
    officer = await n.person("agency_officer")
    response = await n.client.post(
        "/subscriptions",
        json={"kind": "match.found", "filters": {"countries": ["CR"]}},
        headers=n.headers(officer),
    )
    assert response.status_code == 201, response.text
    await n.settled("directory")
    return officer


async def test_the_first_match_of_a_burst_stands_alone_and_the_rest_fold_into_one_follow_up(notifications):
    n = notifications
    officer = await officer_following_costa_rica(n)
    for _ in range(12):
        await n.publish(match())
    await n.settled()
    follow_up, first = (await n.inbox(officer))["items"]  # newest first
    assert first["item_count"] == 1 and first["title"].startswith("Nueva coincidencia")
    assert follow_up["item_count"] == 11 and follow_up["title"] == "11 nuevas coincidencias"


async def test_each_match_of_a_burst_is_pushed_live_the_follow_up_with_its_count(notifications):
    n = notifications
    officer = await officer_following_costa_rica(n)
    received: asyncio.Queue = asyncio.Queue()
    sub = await n.nc.subscribe(user_notifications(n.settings, str(officer)), cb=received.put)
    try:
        matches = [match() for _ in range(3)]
        for m in matches:
            await n.publish(m)
        pushes = [json.loads((await asyncio.wait_for(received.get(), 10)).data) for _ in matches]
    finally:
        await sub.unsubscribe()
    assert [p["data"]["match_id"] for p in pushes] == [str(m.match_id) for m in matches]
    assert [p["itemCount"] for p in pushes] == [1, 1, 2]
    first, follow_up = pushes[0]["id"], pushes[1]["id"]
    assert first != follow_up and pushes[2]["id"] == follow_up


@pytest.mark.parametrize("notifications", [{"group_window_s": 2.0}], indirect=True)
async def test_after_the_window_the_next_match_opens_a_new_burst(notifications):
    n = notifications
    officer = await officer_following_costa_rica(n)
    for _ in range(3):
        await n.publish(match())
    await n.settled()
    await asyncio.sleep(2.2)
    for _ in range(3):
        await n.publish(match())
    await n.settled()
    counts = [i["item_count"] for i in (await n.inbox(officer))["items"]]
    assert counts == [2, 1, 2, 1]


async def test_a_follow_up_once_read_keeps_its_count_and_the_next_match_starts_another(notifications):
    n = notifications
    officer = await officer_following_costa_rica(n)
    for _ in range(3):
        await n.publish(match())
    await n.settled()
    follow_up, _ = (await n.inbox(officer))["items"]
    read = await n.client.post(
        "/notifications/read", json={"ids": [follow_up["id"]]}, headers=n.headers(officer)
    )
    assert read.json()["marked"] == 1
    await n.publish(match())
    await n.settled()
    newest, seen, first = (await n.inbox(officer))["items"]
    assert seen["id"] == follow_up["id"] and seen["item_count"] == 2 and seen["read_at"]
    assert newest["item_count"] == 1 and newest["read_at"] is None and first["item_count"] == 1

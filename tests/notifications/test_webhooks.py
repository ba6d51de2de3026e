"""Webhooks: signed per Standard Webhooks, retried on failure, never redirected, disabled on 410."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from standardwebhooks import Webhook

from services.notifications.queue import next_delay
from services.notifications.webhooks.receiver import WebhookReceiver
from services.notifications.webhooks.sender import retry_after
from shared.events.matching import MatchFound
from tests.infra import eventually

ALLOW = {"webhook_allow_private": True}


def match() -> MatchFound:
    return MatchFound(
        match_id=uuid.uuid4(),
        match_type="supplier",
        organization_id=uuid.uuid4(),
        counterpart_id=uuid.uuid4(),
        score=0.77,
        countries=["CR"],
        sectors=["cacao"],
    )


async def officer_with_endpoint(n, url: str):  # type: ignore[no-untyped-def]
    officer = await n.person("agency_officer")
    h = n.headers(officer, "agency_officer")
    created = await n.client.post("/webhooks", json={"url": url, "kinds": ["match.found"]}, headers=h)
    assert created.status_code == 201, created.text
    sub = await n.client.post(
        "/subscriptions",
        headers=h,
        json={"kind": "match.found", "filters": {"countries": ["CR"]}, "in_app": True, "webhook": True},
    )
    assert sub.status_code == 201, sub.text
    await n.settled("directory")
    return officer, created.json()


async def deliveries(n, officer, endpoint_id):  # type: ignore[no-untyped-def]
    r = await n.client.get(f"/webhooks/{endpoint_id}/deliveries", headers=n.headers(officer))
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.mark.parametrize("notifications", [ALLOW], indirect=True)
async def test_a_receiver_failing_three_times_gets_the_event_once_and_verifies_its_signature(notifications):
    n = notifications
    answers = [(500, {}), (503, {"retry-after": "0"}), (502, {})]
    async with WebhookReceiver(answers=answers) as receiver:
        officer, endpoint = await officer_with_endpoint(n, receiver.url)
        event_id = await n.publish(match())

        async def delivered():  # type: ignore[no-untyped-def]
            items = await deliveries(n, officer, endpoint["id"])
            return items if items and items[0]["status"] == "delivered" else None

        [delivery] = await eventually(delivered, timeout=20)
        await asyncio.sleep(0.5)  # nothing more may arrive after the success

    assert len(receiver.received) == 4
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, retried
    success = receiver.received[-1]
    payload = Webhook(endpoint["secret"]).verify(success.body, success.headers)
    assert payload["type"] == "match.found" and payload["data"]["event_id"] == event_id
    assert payload["data"]["score"] == 0.77
    assert [a["status_code"] for a in delivery["log"]] == [500, 503, 502, 200]
    assert delivery["attempts"] == 4 and delivery["message_id"] == success.headers["webhook-id"]


@pytest.mark.parametrize("notifications", [ALLOW], indirect=True)
async def test_a_redirect_is_not_followed_and_counts_as_a_failure(notifications):
    n = notifications
    async with WebhookReceiver(answers=[(302, {"location": "http://10.0.0.5/elsewhere"})] * 10) as receiver:
        officer, endpoint = await officer_with_endpoint(n, receiver.url)
        ping = await n.client.post(f"/webhooks/{endpoint['id']}/ping", headers=n.headers(officer))
    body = ping.json()
    assert body["last_status_code"] == 302 and body["last_error"] == "redirect not followed"
    assert body["status"] == "pending" and len(receiver.received) == 1
    assert all(r.path == "/hooks/consorcia" for r in receiver.received)


@pytest.mark.parametrize("notifications", [ALLOW], indirect=True)
async def test_a_410_disables_the_endpoint_and_tells_its_owner(notifications):
    n = notifications
    async with WebhookReceiver(answers=[(410, {})]) as receiver:
        officer, endpoint = await officer_with_endpoint(n, receiver.url)
        await n.publish(match())

        async def disabled():  # type: ignore[no-untyped-def]
            r = await n.client.get(f"/webhooks/{endpoint['id']}", headers=n.headers(officer))
            return r.json() if not r.json()["enabled"] else None

        state = await eventually(disabled, timeout=15)
    assert "410" in state["disabled_reason"]
    kinds = {i["kind"] for i in (await n.inbox(officer))["items"]}
    assert "webhook.disabled" in kinds
    [delivery] = await deliveries(n, officer, endpoint["id"])
    assert delivery["status"] == "failed" and delivery["last_status_code"] == 410


@pytest.mark.parametrize("notifications", [ALLOW], indirect=True)
async def test_ping_and_replay_send_signed_messages_now(notifications):
    n = notifications
    async with WebhookReceiver() as receiver:
        officer, endpoint = await officer_with_endpoint(n, receiver.url)
        h = n.headers(officer)
        ping = (await n.client.post(f"/webhooks/{endpoint['id']}/ping", headers=h)).json()
        assert ping["status"] == "delivered" and ping["log"][0]["status_code"] == 200
        replay = (await n.client.post(f"/deliveries/{ping['id']}/replay", headers=h)).json()
        assert replay["status"] == "delivered" and replay["message_id"] == ping["message_id"]
    assert len(receiver.received) == 2
    for request in receiver.received:
        assert (
            json.loads(Webhook(endpoint["secret"]).verify(request.body, request.headers) and request.body)[
                "type"
            ]
            == "webhook.ping"
        )
    other = await n.client.post(f"/webhooks/{endpoint['id']}/ping", headers=n.headers(uuid.uuid4()))
    assert other.status_code == 404 and other.json()["error"]["code"] == "webhook_not_found"


def test_retries_follow_the_schedule_with_jitter_and_honour_retry_after():
    schedule = [5, 300, 1800]
    for _ in range(50):
        assert 4.5 <= next_delay(schedule, 1, jitter=0.1) <= 5.5
    assert next_delay(schedule, 2, jitter=0.0, retry_after=3600) == 3600
    assert next_delay(schedule, 2, jitter=0.0, retry_after=10**9, retry_after_max=7200) == 7200
    assert next_delay(schedule, 4, jitter=0.1) is None  # spent: the delivery is given up
    assert retry_after("120") == 120 and retry_after("nonsense") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0

"""The SSRF guard: webhooks reach only public addresses unless configuration allows private ones."""

from __future__ import annotations

import ipaddress
import time

import pytest

from services.notifications.webhooks.guard import forbidden_reason
from services.notifications.webhooks.receiver import WebhookReceiver
from services.notifications.webhooks.sender import new_secret, send, webhook_client

FORBIDDEN = [
    "http://127.0.0.1:9/hook",
    "http://10.0.0.5/hook",
    "http://localhost/hook",  # a name: resolved, then refused for its address
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/",
    "http://0.0.0.0:8080/",
    "http://192.168.1.10/",
    "http://[::1]/",
    "http://[::ffff:10.0.0.5]/",
    "http://[64:ff9b::a00:5]/",
    "http://[2002:a00:5::1]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
]


# The guard does not depend on the database.
@pytest.fixture
def database_url(tmp_path):  # type: ignore[no-untyped-def]
    return f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}"


@pytest.mark.parametrize("address", ["8.8.8.8", "200.9.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


async def test_registering_a_webhook_to_loopback_or_private_addresses_is_refused(notifications):
    n = notifications
    officer = await n.person("agency_officer")
    h = n.headers(officer)
    for url in FORBIDDEN:
        r = await n.client.post("/webhooks", json={"url": url, "kinds": ["match.found"]}, headers=h)
        assert r.status_code == 422, url
        assert r.json()["error"]["code"] == "webhook_target_forbidden", (url, r.json())
    assert (await n.client.get("/webhooks", headers=h)).json() == []
    bad = await n.client.post(
        "/webhooks", json={"url": "ftp://example.org/x", "kinds": ["match.found"]}, headers=h
    )
    assert bad.json()["error"]["code"] == "invalid_webhook_url"


async def test_the_sender_refuses_private_targets_before_connecting():
    # 10.0.0.5 is never contacted: the guard refuses while choosing the address to connect to.
    client = webhook_client(allow_private=False, timeout_s=20)
    started = time.monotonic()
    outcome = await send(
        client, url="http://10.0.0.5/hook", secret=new_secret(), message_id="msg_x", body=b"{}"
    )
    assert outcome.forbidden and not outcome.ok and outcome.status_code is None
    assert outcome.error.startswith("webhook_target_forbidden")
    assert time.monotonic() - started < 1  # no connection attempt, no timeout


async def test_a_name_is_checked_by_the_address_it_resolves_to_when_connecting():
    # An endpoint registered with a public name that later resolves to loopback (DNS rebinding)
    # is refused at connection time: the guard checks the address it is about to use.
    async with WebhookReceiver() as receiver:
        url = receiver.url.replace("127.0.0.1", "localhost")
        refused = await send(
            webhook_client(allow_private=False, timeout_s=20),
            url=url,
            secret=new_secret(),
            message_id="msg_y",
            body=b"{}",
        )
        allowed_client = webhook_client(allow_private=True, timeout_s=20)
        allowed = await send(allowed_client, url=url, secret=new_secret(), message_id="msg_z", body=b"{}")
        await allowed_client.aclose()
    assert refused.forbidden and allowed.ok
    assert len(receiver.received) == 1

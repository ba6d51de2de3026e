"""E-mail against a real SMTP server (aiosmtpd): languages, parts, digests, one-click unsubscribe, retries."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from services.notifications import digests
from services.notifications.models import Preference
from shared.events.directory import PasswordResetRequested
from shared.events.forum import PostCreated, UserMentioned
from shared.events.matching import MatchFound
from tests.infra import eventually, free_port


# Rendering and SMTP do not depend on the database; the queue itself runs on both in test_webhooks.py.
@pytest.fixture
def database_url(tmp_path):  # type: ignore[no-untyped-def]
    return f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}"


class Inbox:
    """An aiosmtpd handler: keeps what it accepts; can refuse the first messages with a 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 try again later"
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def notifications_overrides(smtp):  # type: ignore[no-untyped-def]
    return {"smtp_host": "127.0.0.1", "smtp_port": smtp[1], "group_window_s": 0.5}


def mention(user: uuid.UUID) -> UserMentioned:
    return UserMentioned(post_id=uuid.uuid4(), thread_id=uuid.uuid4(), mentioned_user_id=user)


async def arrived(inbox: Inbox, address: str, count: int = 1, within: float = 10) -> list[EmailMessage]:
    async def enough():  # type: ignore[no-untyped-def]
        found = inbox.to(address)
        return found if len(found) >= count else None

    return await eventually(enough, timeout=within)


async def test_a_mention_is_mailed_in_the_recipients_language_as_text_and_html(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    ana, john = f"ana-{uuid.uuid4().hex[:6]}@example.org", f"john-{uuid.uuid4().hex[:6]}@example.org"
    ana_id = await n.person("member", email=ana, language="es")
    john_id = await n.person("member", email=john, language="en")
    await n.settled("directory")
    await n.publish(mention(ana_id))
    await n.publish(mention(john_id))
    [es] = await arrived(inbox, ana)
    [en] = await arrived(inbox, john)
    assert es["Subject"] == "Te mencionaron en el foro" and en["Subject"] == "You were mentioned in the forum"
    assert es.get_body(("plain",)).get_content().startswith("Hola Persona")
    assert "<a href=" in en.get_body(("html",)).get_content()
    assert en["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert en["List-Unsubscribe"].startswith(f"<{n.settings.public_url}/unsubscribe?token=")


async def test_one_click_unsubscribe_stops_that_kind_of_email(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    address = f"eva-{uuid.uuid4().hex[:6]}@example.org"
    user = await n.person("member", email=address, language="es")
    await n.settled("directory")
    await n.publish(mention(user))
    [first] = await arrived(inbox, address)
    link = first["List-Unsubscribe"].strip("<>").removeprefix(n.settings.public_url)
    page = await n.client.get(link)  # a mail scanner following the link unsubscribes nobody
    assert page.status_code == 200 and '<form method="post"' in page.text
    one_click = await n.client.post(
        link,
        content="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    forged = await n.client.post(link[:-3] + "abc")
    assert forged.json()["error"]["code"] == "invalid_unsubscribe_token"

    await n.publish(mention(user))
    await n.wait_for_inbox(user, 2)  # still told in-app
    await asyncio.sleep(1.0)
    assert len(inbox.to(address)) == 1
    prefs = (await n.client.get("/preferences", headers=n.headers(user))).json()
    assert {c["kind"]: c["email"] for c in prefs["channels"]}["forum.mention"] == "off"


async def test_a_refused_email_is_retried_and_arrives_once(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    address = f"rita-{uuid.uuid4().hex[:6]}@example.org"
    user = await n.person("member", email=address)
    await n.settled("directory")
    inbox.refuse_next = 2
    await n.publish(mention(user))
    await arrived(inbox, address)
    await asyncio.sleep(0.8)
    assert len(inbox.to(address)) == 1


async def _sme_owner(n) -> tuple[uuid.UUID, str]:  # type: ignore[no-untyped-def]
    sme = uuid.uuid4()
    address = f"sme-{uuid.uuid4().hex[:6]}@example.org"
    await n.person("member", email=address, language="en", organization_id=sme)
    await n.settled("directory")
    return sme, address


def _match(sme: uuid.UUID) -> MatchFound:
    return MatchFound(
        match_id=uuid.uuid4(),
        match_type="partner",
        organization_id=sme,
        counterpart_id=uuid.uuid4(),
        score=0.7,
    )


@pytest.mark.parametrize("notifications", [{"group_window_s": 60.0}], indirect=True)
async def test_the_first_match_of_a_burst_is_mailed_at_once_and_the_rest_wait_for_the_window(
    notifications, smtp
):
    inbox, _ = smtp
    n = notifications
    sme, address = await _sme_owner(n)
    await n.publish(_match(sme))
    [mail] = await arrived(inbox, address)  # well before the 60 s window ends
    assert mail["Subject"].startswith("New match")
    for _ in range(2):
        await n.publish(_match(sme))
    await n.settled("matching")
    await asyncio.sleep(1.0)
    assert len(inbox.to(address)) == 1


@pytest.mark.parametrize("notifications", [{"group_window_s": 2.0}], indirect=True)
async def test_the_rest_of_a_burst_is_one_follow_up_email_with_the_final_count(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    sme, address = await _sme_owner(n)
    for _ in range(4):
        await n.publish(_match(sme))
    first, follow_up = await arrived(inbox, address, count=2)
    assert first["Subject"].startswith("New match") and follow_up["Subject"] == "3 new matches"
    text = follow_up.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert text.count("New match") == 3  # each match of the follow-up is listed
    await asyncio.sleep(1.0)
    assert len(inbox.to(address)) == 2


async def test_replies_wait_for_the_daily_digest(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    address = f"dora-{uuid.uuid4().hex[:6]}@example.org"
    asker = await n.person("member", email=address, language="es")
    await n.settled("directory")
    for text in ("Primera respuesta", "Segunda respuesta"):
        await n.publish(
            PostCreated(
                post_id=uuid.uuid4(),
                thread_id=uuid.uuid4(),
                space_id=uuid.uuid4(),
                author_id=uuid.uuid4(),
                reply_to_author_id=asker,
                excerpt=text,
            )
        )
    await n.wait_for_inbox(asker, 2)
    assert inbox.to(address) == []  # forum.reply defaults to the daily digest
    runtime = n.app.state.runtime
    async with runtime.session() as session:
        pref = await session.get(Preference, asker)
        hour = pref.digest_hour if pref else digests.DEFAULT_HOUR
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=hour, minute=5)
        assert await digests.queue_due(session=session, now=tomorrow) == 1
    n.app.state.hub.wake_queue()
    [digest] = await arrived(inbox, address)
    assert digest["Subject"] == "Tu resumen diario de Consorcia (2)"
    text = digest.get_body(("plain",)).get_content()
    assert "Primera respuesta" in text and "Segunda respuesta" in text


async def test_a_password_reset_is_mailed_without_an_unsubscribe_link(notifications, smtp):
    inbox, _ = smtp
    n = notifications
    address = f"pablo-{uuid.uuid4().hex[:6]}@example.org"
    user = await n.person("member", email=address, language="en")
    await n.settled("directory")
    await n.publish(
        PasswordResetRequested(
            user_id=user,
            language="en",
            reset_url="https://consorcia.example/r/abc",
            expires_at="2026-11-29T12:00:00Z",
        )
    )
    [mail] = await arrived(inbox, address)
    assert mail["Subject"] == "Reset your password" and mail["List-Unsubscribe"] is None
    assert "https://consorcia.example/r/abc" in mail.get_body(("plain",)).get_content()
    assert (await n.inbox(user))["items"] == []  # not an inbox item


@pytest.mark.parametrize("notifications_overrides", [{}])
async def test_without_smtp_mail_lands_in_the_sink_that_the_mailbox_command_lists(notifications):
    n = notifications
    user = await n.person("member", email="sink@example.org", language="es")
    await n.settled("directory")
    await n.publish(mention(user))
    folder = Path(n.settings.mail_sink_dir or "")
    await eventually(lambda: _has_mail(folder))
    out = subprocess.run(
        [sys.executable, "-m", "services.notifications.mailbox", "--dir", str(folder)],  # noqa: ASYNC221
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Te mencionaron en el foro" in out and "sink@example.org" in out
    command = [sys.executable, "-m", "services.notifications.mailbox", "--dir", str(folder), "show", "1"]
    shown = subprocess.run(
        command,  # noqa: ASYNC221
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Subject: Te mencionaron en el foro" in shown and "Hola Persona" in shown


async def _has_mail(folder: Path) -> bool:
    return any(folder.glob("*.eml"))  # noqa: ASYNC240

"""Where e-mail goes: a real SMTP server (aiosmtplib), or a local sink folder of .eml files."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from services.notifications.config import NotificationsSettings


@dataclass
class SendResult:
    ok: bool
    error: str | None = None
    permanent: bool = False  # a 5xx answer: retrying will not help


class Mailer:
    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host or self.settings.mail_sink_dir)

    async def send(self, message: EmailMessage) -> SendResult:
        s = self.settings
        if s.smtp_host:
            try:
                await aiosmtplib.send(
                    message,
                    hostname=s.smtp_host,
                    port=s.smtp_port,
                    username=s.smtp_username,
                    password=s.smtp_password,
                    start_tls=s.smtp_starttls,
                    timeout=s.smtp_timeout_s,
                )
                return SendResult(True)
            except aiosmtplib.SMTPResponseException as exc:
                return SendResult(
                    False, f"SMTP {exc.code}: {exc.message}"[:500], permanent=500 <= exc.code < 600
                )
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                return SendResult(False, f"{type(exc).__name__}: {exc}"[:500])
        if s.mail_sink_dir:
            await asyncio.to_thread(write_to_sink, Path(s.mail_sink_dir), message)
            return SendResult(True)
        return SendResult(False, "no SMTP server and no mail sink configured", permanent=True)


def write_to_sink(folder: Path, message: EmailMessage) -> Path:
    """One .eml per message, named so that a listing sorts by time; written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    partial = folder / f".{name}.tmp"
    partial.write_bytes(message.as_bytes())
    final = folder / name
    partial.replace(final)
    return final

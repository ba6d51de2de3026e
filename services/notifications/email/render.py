"""E-mails in the recipient's language, as plain text with an HTML alternative.

Every non-transactional message carries a signed one-click unsubscribe link (RFC 8058:
``List-Unsubscribe`` with an https URL plus ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import quote

from services.notifications.email.tokens import make_token

TEXT = {
    "es": {
        "hello": "Hola {name}:",
        "open": "Ver en Consorcia",
        "more": "y {n} más",
        "why": "Recibes este correo por tus suscripciones y preferencias de notificación en Consorcia.",
        "unsubscribe": "Dejar de recibir estos correos",
        "digest_daily": "Tu resumen diario de Consorcia ({n})",
        "digest_weekly": "Tu resumen semanal de Consorcia ({n})",
        "digest_intro": "Esto pasó desde tu último resumen:",
    },
    "en": {
        "hello": "Hello {name},",
        "open": "Open in Consorcia",
        "more": "and {n} more",
        "why": "You receive this e-mail because of your Consorcia subscriptions and notification preferences.",
        "unsubscribe": "Stop receiving these e-mails",
        "digest_daily": "Your daily Consorcia digest ({n})",
        "digest_weekly": "Your weekly Consorcia digest ({n})",
        "digest_intro": "Here is what happened since your last digest:",
    },
}


@dataclass
class Entry:
    title: str
    body: str = ""
    link: str | None = None
    details: tuple[str, ...] = ()
    more: int = 0


@dataclass
class Envelope:
    to: str
    name: str
    lang: str
    mail_from: str
    app_url: str
    public_url: str
    secret: str
    user_id: object
    unsubscribe_kind: str | None  # None: transactional, no unsubscribe link


def unsubscribe_url(env: Envelope) -> str | None:
    if env.unsubscribe_kind is None:
        return None
    token = make_token(env.secret, env.user_id, env.unsubscribe_kind)  # type: ignore[arg-type]
    return f"{env.public_url.rstrip('/')}/unsubscribe?token={quote(token)}"


def compose(env: Envelope, subject: str, entries: list[Entry], intro: str | None = None) -> EmailMessage:
    t = TEXT[env.lang]
    unsubscribe = unsubscribe_url(env)
    msg = EmailMessage()
    msg["From"] = env.mail_from
    msg["To"] = formataddr((env.name, env.to)) if env.name else env.to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="consorcia.local")
    msg["Content-Language"] = env.lang
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(_text(env, t, entries, intro, unsubscribe))
    msg.add_alternative(_html(env, t, entries, intro, unsubscribe), subtype="html")
    return msg


def _url(env: Envelope, link: str | None) -> str | None:
    if not link:
        return None
    return link if link.startswith("http") else env.app_url.rstrip("/") + link


def _text(
    env: Envelope, t: dict[str, str], entries: list[Entry], intro: str | None, unsubscribe: str | None
) -> str:
    lines = [t["hello"].format(name=env.name or env.to), ""]
    if intro:
        lines += [intro, ""]
    for e in entries:
        lines.append(f"* {e.title}" if len(entries) > 1 else e.title)
        if e.body:
            lines.append(f"  {e.body}")
        lines += [f"  - {d}" for d in e.details]
        if e.more:
            lines.append("  " + t["more"].format(n=e.more))
        if url := _url(env, e.link):
            lines.append(f"  {t['open']}: {url}")
        lines.append("")
    lines += ["--", t["why"]]
    if unsubscribe:
        lines.append(f"{t['unsubscribe']}: {unsubscribe}")
    return "\n".join(lines) + "\n"


def _html(
    env: Envelope, t: dict[str, str], entries: list[Entry], intro: str | None, unsubscribe: str | None
) -> str:
    esc = html.escape
    parts = [
        f'<!doctype html><html lang="{env.lang}"><body style="font-family:sans-serif;max-width:600px">',
        f"<p>{esc(t['hello'].format(name=env.name or env.to))}</p>",
    ]
    if intro:
        parts.append(f"<p>{esc(intro)}</p>")
    for e in entries:
        parts.append(f'<h3 style="margin-bottom:4px">{esc(e.title)}</h3>')
        if e.body:
            parts.append(f"<p>{esc(e.body)}</p>")
        if e.details:
            parts.append("<ul>" + "".join(f"<li>{esc(d)}</li>" for d in e.details) + "</ul>")
        if e.more:
            parts.append(f"<p>{esc(t['more'].format(n=e.more))}</p>")
        if url := _url(env, e.link):
            parts.append(f'<p><a href="{esc(url, quote=True)}">{esc(t["open"])}</a></p>')
    parts.append(f'<hr><p style="color:#666;font-size:12px">{esc(t["why"])}')
    if unsubscribe:
        parts.append(f' <a href="{esc(unsubscribe, quote=True)}">{esc(t["unsubscribe"])}</a>')
    parts.append("</p></body></html>")
    return "".join(parts)

"""Markdown in, sanitized HTML out: what people write can never run in a reader's browser.

markdown-it renders CommonMark with raw HTML switched off; nh3 (the Ammonia sanitizer) then keeps
only an allow-list of tags and attributes and only http(s)/mailto links, whatever the renderer let
through. Sanitizing the final HTML (not the Markdown) is what makes this safe against tricks the
renderer did not foresee.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt

from shared.text import fold

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "strikethrough"
)
_md.enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "span": {"class"},
    "blockquote": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# A handle: letters and digits (folded names), at a word start, not part of an e-mail address.
MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9_.-]{1,79})", re.IGNORECASE)
_FENCE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


def mentioned_handles(markdown: str) -> set[str]:
    """Handles written as @handle outside code."""
    outside_code = _FENCE.sub(" ", markdown)
    return {m.group(1).rstrip(".").lower() for m in MENTION.finditer(outside_code)}


def render(markdown: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Sanitized HTML; known @handles become links to the person (handle -> user id)."""
    source = markdown
    if mentions:
        source = _link_mentions(markdown, mentions)
    return sanitize(_md.render(source))


def render_quote(author: str, quoted_html: str) -> str:
    header = f"<p><strong>{nh3.clean_text(author)}</strong>:</p>" if author else ""
    return sanitize(f'<blockquote class="quote">{header}{quoted_html}</blockquote>')


def _link_mentions(markdown: str, mentions: Mapping[str, str]) -> str:
    parts = _FENCE.split(markdown)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = MENTION.sub(
            lambda m: (
                f"[@{m.group(1)}](/users/{mentions[k]})"
                if (k := m.group(1).rstrip(".").lower()) in mentions
                else m.group(0)
            ),
            parts[i],
        )
    return "".join(parts)


def plain_text(html: str) -> str:
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())


def content_hash(markdown: str) -> str:
    """Same words, same hash: spacing, case and accents do not make a repeated post new."""
    return hashlib.sha256(fold(markdown).encode()).hexdigest()


def searchable(*texts: str) -> str:
    return fold(" ".join(t for t in texts if t))

"""A corpus of classic XSS payloads comes out inert: no script, no handler, no dangerous URL."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from services.forum.rendering import render

CORPUS = [
    line for line in (Path(__file__).parent / "xss_corpus.txt").read_text().splitlines() if line.strip()
]
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "svg",
    "math",
    "img",
    "video",
    "audio",
    "source",
    "template",
    "details",
    "marquee",
    "body",
    "noscript",
}
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#)", re.IGNORECASE)


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "background"}:
                self.problems.append(f"attribute {name}")
            if (
                name in {"href", "src", "action", "cite", "data"}
                and value
                and not SAFE_URL.match(value.strip())
            ):
                self.problems.append(f"url {name}={value}")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    return parser.problems


def test_the_corpus_has_the_classic_payloads():
    assert len(CORPUS) >= 50


def test_every_payload_renders_inert():
    for payload in CORPUS:
        html = render(payload, mentions={"img": "u1"})
        assert audit(html) == [], (payload, html)


async def test_payloads_posted_through_the_api_come_back_inert(forum):
    author = await forum.register("Probador Seguridad", "moderator")  # no new-account quota
    space = await forum.space("sector-ict")
    thread = (
        await forum.ok(
            "POST",
            f"/spaces/{space['id']}/threads",
            author,
            json={"title": "<script>alert(1)</script>", "body": CORPUS[0]},
        )
    )["thread"]
    for i, payload in enumerate(CORPUS[1:]):
        # Numbered: some payloads differ only in case, and a repeated text would be refused.
        body = f"{payload}\n\n{i}"
        post = await forum.ok("POST", f"/threads/{thread['id']}/posts", author, json={"body": body})
        assert audit(post["body_html"]) == [], (payload, post["body_html"])
    page = await forum.ok("GET", f"/threads/{thread['id']}", params={"limit": 200})
    assert all(audit(p["body_html"]) == [] for p in page["items"])
    assert len(page["items"]) == len(CORPUS)

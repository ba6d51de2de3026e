"""Moderation: flags into the review queue, hidden after N flags, moderators hide and restore;
posting limits for new accounts (Redis) and repeated identical posts refused."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def forum_overrides() -> dict:
    return {"flags_to_hide": 2, "new_account_posts_per_hour": 3}


async def test_flags_hide_a_post_pending_review_and_moderators_decide(forum):
    author = await forum.register("Vendedor Insistente", "moderator")  # a quota-free author, flagged anyway
    flaggers = [await forum.register(f"Lector {i}", "member") for i in range(2)]
    mod = await forum.register("Mara Moderadora", "moderator")
    space = await forum.space("sector-cosmetics")
    thread = (
        await forum.ok(
            "POST",
            f"/spaces/{space['id']}/threads",
            author,
            json={"title": "Oferta", "body": "Compre ya en mi web"},
        )
    )["thread"]
    post_id = (await forum.ok("GET", f"/threads/{thread['id']}"))["items"][0]["id"]

    first = await forum.ok("POST", f"/posts/{post_id}/flags", flaggers[0], json={"reason": "spam"})
    assert not first["hidden"]
    again = await forum.call("POST", f"/posts/{post_id}/flags", flaggers[0], json={"reason": "spam"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_flagged"
    bad = await forum.call("POST", f"/posts/{post_id}/flags", flaggers[1], json={"reason": "ugly"})
    assert bad.status_code == 422
    second = await forum.ok("POST", f"/posts/{post_id}/flags", flaggers[1], json={"reason": "off_topic"})
    assert second["hidden"] and second["body_html"] == ""
    flagged = [e for e in await forum.events("post.flagged") if e["post_id"] == post_id]
    assert [e["flag_count"] for e in flagged] == [1, 2]
    assert [e["by"] for e in await forum.events("post.hidden") if e["post_id"] == post_id] == ["flags"]
    assert (await forum.ok("GET", "/search", params={"q": "Compre web"}))["items"] == []

    assert (await forum.call("GET", "/moderation/queue", flaggers[0])).status_code == 403
    queue = await forum.ok("GET", "/moderation/queue", mod)
    item = next(i for i in queue["items"] if i["post"]["id"] == post_id)
    assert item["open_flags"] == 2 and item["reasons"] == ["off_topic", "spam"]
    assert item["post"]["body_html"]  # moderators read what they review

    restored = await forum.ok("POST", f"/posts/{post_id}/restore", mod)
    assert not restored["hidden"] and restored["body_html"]
    queue = await forum.ok("GET", "/moderation/queue", mod)
    assert all(i["post"]["id"] != post_id for i in queue["items"])
    hidden = await forum.ok("POST", f"/posts/{post_id}/hide", mod)
    assert hidden["hidden"]
    assert [e["by"] for e in await forum.events("post.hidden") if e["post_id"] == post_id] == [
        "flags",
        "moderator",
    ]
    assert (await forum.call("POST", f"/posts/{post_id}/hide", flaggers[0])).status_code == 403


async def test_new_accounts_have_a_posting_quota_and_repeats_are_refused(forum):
    newcomer = await forum.register("Recién Llegado", "member")
    space = await forum.space("sector-agroindustry")
    thread = (
        await forum.ok(
            "POST",
            f"/spaces/{space['id']}/threads",
            newcomer,
            json={"title": "Hola a todos", "body": "Primer mensaje"},
        )
    )["thread"]
    repeat = await forum.call(
        "POST", f"/threads/{thread['id']}/posts", newcomer, json={"body": "primer   MENSAJE"}
    )
    assert repeat.status_code == 409 and repeat.json()["error"]["code"] == "duplicate_post"
    await forum.ok("POST", f"/threads/{thread['id']}/posts", newcomer, json={"body": "Segundo"})
    await forum.ok("POST", f"/threads/{thread['id']}/posts", newcomer, json={"body": "Tercero"})
    limited = await forum.call("POST", f"/threads/{thread['id']}/posts", newcomer, json={"body": "Cuarto"})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    page = await forum.ok("GET", f"/threads/{thread['id']}")
    assert [p["body_md"] for p in page["items"]] == ["Primer mensaje", "Segundo", "Tercero"]

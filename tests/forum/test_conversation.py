"""Threads and posts: Markdown, replies, quotes, mentions, reactions, edits, deletes, pin and lock,
watching, read tracking and cursors."""

from __future__ import annotations


async def test_a_conversation_keeps_replies_quotes_mentions_reactions_and_history(forum):
    ana = await forum.register("Ana Pérez", "consortium_manager")
    luis = await forum.register("Luis Gómez", "member")
    space = await forum.space("trust-governance")
    created = await forum.ok(
        "POST",
        f"/spaces/{space['id']}/threads",
        ana,
        json={"title": "¿Cómo generar confianza?", "body": "Empiezo yo: **reglas claras**."},
    )
    thread_id, first = created["thread"]["id"], created["post"]
    assert first["body_html"] == "<p>Empiezo yo: <strong>reglas claras</strong>.</p>\n"
    reply = await forum.ok(
        "POST",
        f"/threads/{thread_id}/posts",
        luis,
        json={
            "body": "De acuerdo, @anaperez. Y un gerente neutral.",
            "reply_to_post_id": first["id"],
            "quote_post_id": first["id"],
        },
    )
    assert reply["number"] == 2 and reply["reply_to_post_id"] == first["id"]
    assert '<blockquote class="quote"><p><strong>Ana Pérez</strong>:</p><p>Empiezo yo' in reply["body_html"]
    assert f'href="/users/{ana.user_id}"' in reply["body_html"]
    # Search finds the quoted words in the post that said them, not again in the reply that quoted them.
    found = await forum.ok("GET", "/search", params={"q": "empiezo", "thread_id": thread_id})
    assert [hit["post"]["number"] for hit in found["items"] if hit["thread"]["id"] == thread_id] == [1]
    mentions = await forum.events("user.mentioned")
    assert [m["mentioned_user_id"] for m in mentions] == [str(ana.user_id)]
    created_events = await forum.events("post.created")
    # Ana opened the thread, so she watches it and hears of Luis's reply; the author is never told.
    assert created_events[-1]["watcher_ids"] == [str(ana.user_id)]
    assert created_events[-1]["reply_to_author_id"] == str(ana.user_id)

    reacted = await forum.ok("POST", f"/posts/{first['id']}/reactions", luis, json={"emoji": "👍"})
    assert reacted["reactions"] == [{"emoji": "👍", "count": 1, "mine": True}]
    assert (
        await forum.call("POST", f"/posts/{first['id']}/reactions", luis, json={"emoji": "💩"})
    ).status_code == 422

    edited = await forum.ok(
        "PATCH", f"/posts/{reply['id']}", luis, json={"body": "De acuerdo. Gerente neutral."}
    )
    assert edited["revision_count"] == 1 and edited["edited_at"]
    history = await forum.ok("GET", f"/posts/{reply['id']}/revisions", luis)
    assert history[0]["body_md"].startswith("De acuerdo, @anaperez")
    denied = await forum.call("PATCH", f"/posts/{reply['id']}", ana, json={"body": "not mine"})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"

    deleted = await forum.ok("DELETE", f"/posts/{reply['id']}", luis)
    assert deleted["deleted"] and deleted["body_html"] == "" and deleted["body_md"] is None
    page = await forum.ok("GET", f"/threads/{thread_id}")
    assert [p["number"] for p in page["items"]] == [1, 2] and page["thread"]["post_count"] == 1


async def test_moderators_pin_and_lock_and_a_locked_thread_takes_no_posts(forum):
    ana = await forum.register("Ana Pérez", "member")
    mod = await forum.register("Mara Mod", "moderator")
    space = await forum.space("logistics-supply")
    thread = (
        await forum.ok(
            "POST", f"/spaces/{space['id']}/threads", ana, json={"title": "Fletes", "body": "¿Cómo?"}
        )
    )["thread"]
    assert (
        await forum.call("PATCH", f"/threads/{thread['id']}", ana, json={"locked": True})
    ).status_code == 403
    locked = await forum.ok("PATCH", f"/threads/{thread['id']}", mod, json={"locked": True, "pinned": True})
    assert locked["locked"] and locked["pinned"]
    refused = await forum.call("POST", f"/threads/{thread['id']}/posts", ana, json={"body": "¿Alguien?"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "thread_locked"
    listing = await forum.ok("GET", f"/spaces/{space['id']}/threads")
    assert listing["items"][0]["id"] == thread["id"]  # pinned first


async def test_watch_levels_and_read_tracking_give_unread_counts(forum):
    ana = await forum.register("Ana Pérez", "member")
    luis = await forum.register("Luis Gómez", "member")
    eva = await forum.register("Eva Ruiz", "member")
    space = await forum.space("market-access")
    await forum.ok("PUT", f"/spaces/{space['id']}/watch", luis, json={"level": "watching"})
    await forum.ok("PUT", f"/spaces/{space['id']}/watch", eva, json={"level": "watching"})
    thread = (
        await forum.ok(
            "POST", f"/spaces/{space['id']}/threads", ana, json={"title": "UE", "body": "Mercado europeo"}
        )
    )["thread"]
    await forum.ok("PUT", f"/threads/{thread['id']}/watch", eva, json={"level": "muted"})
    await forum.ok("POST", f"/threads/{thread['id']}/posts", ana, json={"body": "Segundo mensaje"})
    last = (await forum.events("post.created"))[-1]
    assert last["watcher_ids"] == [str(luis.user_id)]  # Eva muted the thread; Ana wrote it

    before = await forum.ok("GET", f"/threads/{thread['id']}", luis)
    assert before["thread"]["unread_count"] == 2
    spaces = {s["slug"]: s for s in await forum.spaces(luis)}
    assert spaces["market-access"]["unread_thread_count"] >= 1
    read = await forum.ok("POST", f"/threads/{thread['id']}/read", luis, json={"up_to": 1})
    assert read["unread_count"] == 1
    read = await forum.ok("POST", f"/threads/{thread['id']}/read", luis, json={})
    assert read["unread_count"] == 0
    back = await forum.ok("POST", f"/threads/{thread['id']}/read", luis, json={"up_to": 1})
    assert back["last_read_number"] == 2  # a mark never moves backwards

    # What one writes is read: Ana's own thread and posts are not unread for her.
    mine = await forum.ok("GET", f"/threads/{thread['id']}", ana)
    assert mine["thread"]["unread_count"] == 0
    await forum.ok("POST", f"/threads/{thread['id']}/posts", luis, json={"body": "Respuesta de Luis"})
    assert (await forum.ok("GET", f"/threads/{thread['id']}", ana))["thread"]["unread_count"] == 1
    assert (await forum.ok("GET", f"/threads/{thread['id']}", luis))["thread"]["unread_count"] == 0


async def test_pages_of_posts_and_threads_follow_cursors(forum):
    ana = await forum.register("Ana Pérez", "moderator")  # moderators have no new-account quota
    space = await forum.space("sector-furniture")
    thread = (
        await forum.ok(
            "POST", f"/spaces/{space['id']}/threads", ana, json={"title": "Muebles", "body": "post 0"}
        )
    )["thread"]
    for i in range(1, 7):
        await forum.ok("POST", f"/threads/{thread['id']}/posts", ana, json={"body": f"post {i}"})
    seen, cursor = [], None
    while True:
        page = await forum.ok(
            "GET", f"/threads/{thread['id']}", params={"limit": 3} | ({"cursor": cursor} if cursor else {})
        )
        seen += [p["number"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == list(range(1, 8))
    threads, cursor = [], None
    while True:
        page = await forum.ok(
            "GET",
            "/spaces/" + space["id"] + "/threads",
            params={"limit": 1} | ({"cursor": cursor} if cursor else {}),
        )
        threads += [t["id"] for t in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert thread["id"] in threads and len(threads) == len(set(threads))
    bad = await forum.call("GET", f"/threads/{thread['id']}", params={"cursor": "nonsense"})
    assert bad.status_code == 422


async def test_unknown_threads_and_oversized_posts_get_clear_errors(forum):
    import uuid

    ana = await forum.register("Ana Pérez", "member")
    missing = await forum.call("GET", f"/threads/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "thread_not_found"
    missing = await forum.call("POST", f"/threads/{uuid.uuid4()}/posts", ana, json={"body": "hola"})
    assert missing.json()["error"]["code"] == "thread_not_found"
    space = await forum.space("public-policy-tax")
    huge = "x" * (forum.settings.max_post_chars + 1)
    too_long = await forum.call(
        "POST", f"/spaces/{space['id']}/threads", ana, json={"title": "t", "body": huge}
    )
    assert too_long.status_code == 422 and too_long.json()["error"]["code"] == "text_too_long"
    anonymous = await forum.call("POST", f"/spaces/{space['id']}/threads", json={"title": "t", "body": "b"})
    assert anonymous.status_code == 401
    listing = await forum.ok("GET", f"/spaces/{space['id']}/threads")
    assert all(t["title"] != "t" for t in listing["items"])  # nothing was stored

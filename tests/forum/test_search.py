"""Search: accent- and case-insensitive, Spanish and English forms meet, filters, cursors."""

from __future__ import annotations


async def _titles(forum, who=None, **params) -> list[str]:  # type: ignore[no-untyped-def]
    page = await forum.ok("GET", "/search", who, params=params)
    return [hit["thread"]["title"] for hit in page["items"]]


async def test_search_finds_the_seeded_debates_with_or_without_accents_in_either_language(forum):
    for query in ("financiación", "FINANCIACION", "financing consortia", "desconfianza", "mistrust"):
        assert await _titles(forum, q=query), query
    assert "El factoraje como modalidad de apoyo a los consorcios" in await _titles(forum, q="factoraje")
    assert await _titles(forum, q="gerente del consorcio")
    assert await _titles(forum, q="zzzqqq") == []
    bad = await forum.call("GET", "/search", params={"q": "!!!"})
    assert bad.status_code == 422


async def test_search_filters_and_pages(forum):
    author = await forum.register("Buscadora Ávida", "moderator")
    space = await forum.space("sector-handicrafts")
    thread = (
        await forum.ok(
            "POST",
            f"/spaces/{space['id']}/threads",
            author,
            json={"title": "Artesanías en Oaxaca", "body": "Cerámica negra de Oaxaca"},
        )
    )["thread"]
    for i in range(4):
        await forum.ok(
            "POST", f"/threads/{thread['id']}/posts", author, json={"body": f"Más cerámica oaxaqueña {i}"}
        )
    only_here = await forum.ok(
        "GET", "/search", params={"q": "ceramica", "space_id": space["id"], "limit": 2}
    )
    seen = [h["post"]["id"] for h in only_here["items"]]
    cursor = only_here["next_cursor"]
    while cursor:
        page = await forum.ok(
            "GET", "/search", params={"q": "ceramica", "space_id": space["id"], "limit": 2, "cursor": cursor}
        )
        seen += [h["post"]["id"] for h in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == 5 and len(set(seen)) == 5
    categories = await forum.ok("GET", "/search", params={"q": "ceramica", "space_kind": "category"})
    assert len(categories["items"]) == 5
    assert (await forum.ok("GET", "/search", params={"q": "ceramica", "space_kind": "consortium"}))[
        "items"
    ] == []
    mine = await forum.ok("GET", "/search", params={"q": "ceramica", "author_id": str(author.user_id)})
    assert len(mine["items"]) == 5
    other_space = await forum.space("sector-furniture")
    assert (await forum.ok("GET", "/search", params={"q": "ceramica", "space_id": other_space["id"]}))[
        "items"
    ] == []
    assert (await forum.ok("GET", "/search", params={"q": "ceramica oaxaca", "advisory": "true"}))[
        "items"
    ] == []
    later = {"q": "ceramica", "space_id": space["id"], "since": "2999-01-01T00:00:00+00:00"}
    assert (await forum.ok("GET", "/search", params=later))["items"] == []
    naive = {"q": "ceramica", "space_id": space["id"], "since": "2000-01-01T00:00:00"}  # read as UTC
    assert len((await forum.ok("GET", "/search", params=naive))["items"]) == 5
    earlier = {"q": "ceramica", "space_id": space["id"], "until": "2999-01-01T00:00:00-05:00"}
    assert len((await forum.ok("GET", "/search", params=earlier))["items"]) == 5
    hit = (await forum.ok("GET", "/search", params={"q": "Artesanias Oaxaca"}))["items"][0]
    assert hit["thread"]["id"] == thread["id"] and hit["post"]["number"] == 1  # the title counts


async def _thread(forum, who, title: str, bodies: list[str]) -> tuple[dict, list[dict]]:  # type: ignore[no-untyped-def]
    space = await forum.space("market-access")
    opened = await forum.ok(
        "POST", f"/spaces/{space['id']}/threads", who, json={"title": title, "body": bodies[0]}
    )
    posts = [opened["post"]]
    for body in bodies[1:]:
        path = f"/threads/{opened['thread']['id']}/posts"
        posts.append(await forum.ok("POST", path, who, json={"body": body}))
    return opened["thread"], posts


async def _found(forum, q: str, who=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit["post"]["id"] for hit in (await forum.ok("GET", "/search", who, params={"q": q}))["items"]]


async def test_search_follows_edits_hides_restores_and_deletes(forum):
    author = await forum.register("Autora Cambiante", "moderator")
    _, (first, second) = await _thread(
        forum, author, "Ferias de calzado", ["Calzado de cuero para la feria", "Mocasines bordados a mano"]
    )
    assert await _found(forum, "mocasines") == [second["id"]]
    await forum.ok("PATCH", f"/posts/{second['id']}", author, json={"body": "Sandalias tejidas a mano"})
    assert await _found(forum, "mocasines") == []
    assert await _found(forum, "sandalias tejidas") == [second["id"]]
    await forum.ok("POST", f"/posts/{second['id']}/hide", author)
    assert await _found(forum, "sandalias") == []
    await forum.ok("POST", f"/posts/{second['id']}/restore", author)
    assert await _found(forum, "sandalias") == [second["id"]]
    await forum.ok("DELETE", f"/posts/{second['id']}", author)
    assert await _found(forum, "sandalias") == []
    assert await _found(forum, "calzado cuero") == [first["id"]]


async def test_postgres_ranks_the_newest_matches_and_finds_rare_words_further_back(forum, monkeypatch):
    """A window of 3 and a probe of 4 posts stand in for 200 and 2,000 (a million-post forum)."""
    if not forum.settings.database_url.startswith("postgresql"):
        return  # SQLite ranks every match (FTS5 and bm25): no window
    from services.forum.service import search_postgres

    monkeypatch.setattr(search_postgres, "RANK_WINDOW", 3)
    monkeypatch.setattr(search_postgres, "PROBE", 4)
    author = await forum.register("Autor Xilofonista", "moderator")
    bodies = [
        "Xilófono xilófono xilófono y zampoña",  # the most relevant, but the oldest
        "Zampoña andina para exportar",
        *[f"Un xilófono de madera, lote {i}" for i in range(6)],
    ]
    _, posts = await _thread(forum, author, "Instrumentos musicales", bodies)
    newest = {p["id"] for p in posts[-3:]}
    # A common word: the probe meets three matches among the newest four posts; that is the window.
    assert set(await _found(forum, "xilofono")) == newest
    # A rare one: none among the newest four, so the index finds both, however old.
    assert set(await _found(forum, "zampona")) == {posts[0]["id"], posts[1]["id"]}
    # Both words: only the oldest post has them.
    assert await _found(forum, "zampona xilofono") == [posts[0]["id"]]


def test_the_probe_prices_the_plans_and_bounds_the_index_lookup():
    from services.forum.service.search_postgres import choose, gin_buckets, lookup

    # Words of four letters or more are exact entries of the prefix index; shorter ones prefixes.
    assert lookup(["financ", "sol"]) == "financ & sol:*"
    million = 1_000_000
    # 5% of the newest 2,000 posts match: walking ~4,000 rows beats any lookup.
    assert choose(100, [100], million).walk
    # 0.5%, one word: the lookup, kept to the newest buckets, whose few matches are hot.
    plan = choose(10, [10], million)
    assert not plan.walk and plan.buckets == 9
    # The same density made of two words each in a third of the posts: every one of their entries
    # would be checked against nine buckets; the whole index costs less.
    assert choose(10, [700, 650], million).buckets is None
    # Never met among the newest: the whole index, which holds few of them.
    plan = choose(0, [0], million)
    assert not plan.walk and plan.buckets is None
    # The newest buckets that hold two windows at the probe's density.
    assert gin_buckets(100, million) == 2  # 5%: the window is within the newest 8,000 posts
    assert gin_buckets(10, million) == 9  # 0.5%: within the newest 80,000
    assert gin_buckets(2, million) is None  # 0.1%: 400,000 posts, too many buckets to name
    assert gin_buckets(0, million) is None
    assert gin_buckets(1, 60_000) is None  # a small forum: every bucket

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
    earlier = {"q": "ceramica", "space_id": space["id"], "until": "2999-01-01T00:00:00-05:00"}
    assert len((await forum.ok("GET", "/search", params=earlier))["items"]) == 5
    hit = (await forum.ok("GET", "/search", params={"q": "Artesanias Oaxaca"}))["items"][0]
    assert hit["thread"]["id"] == thread["id"] and hit["post"]["number"] == 1  # the title counts

"""The space list comes in cursor pages like every other list; private spaces only for their members."""

from __future__ import annotations

import uuid

from shared.events.directory import ConsortiumCreated


async def test_the_space_list_comes_in_pages_that_add_up_to_the_whole_list(forum):
    whole = await forum.ok("GET", "/spaces", params={"limit": 200})
    assert whole["next_cursor"] is None and len(whole["items"]) > 5
    seen, cursor = [], None
    while True:
        page = await forum.ok("GET", "/spaces", params={"limit": 4} | ({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= 4 and len(page["cursors"]) == len(page["items"])
        seen += [s["id"] for s in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [s["id"] for s in whole["items"]]
    # Any row's cursor resumes right after it.
    first = await forum.ok("GET", "/spaces", params={"limit": 4})
    resumed = await forum.ok("GET", "/spaces", params={"limit": 2, "cursor": first["cursors"][1]})
    assert [s["id"] for s in resumed["items"]] == seen[2:4]
    bad = await forum.call("GET", "/spaces", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    assert (await forum.call("GET", "/spaces", params={"limit": 0})).status_code == 422


async def test_private_spaces_are_paged_for_members_and_never_shown_to_outsiders(forum):
    manager = await forum.register("Gerente Paginada", "consortium_manager")
    outsider = await forum.register("Curiosa Ajena", "member")
    consortia = [uuid.uuid4() for _ in range(3)]
    for i, consortium in enumerate(consortia):
        await forum.deliver(
            ConsortiumCreated(
                consortium_id=consortium,
                name=f"Consorcio Paginado {i}",
                country="PE",
                manager_user_id=manager.user_id,
            )
        )
    mine = await forum.spaces(manager, kind="consortium", limit=2)  # page after page of two
    ids = {s["id"] for s in mine if s["consortium_id"] in {str(c) for c in consortia}}
    assert len(ids) == 3 and len(mine) == len({s["id"] for s in mine})
    assert not ids & {s["id"] for s in await forum.spaces(outsider, limit=2)}
    assert not ids & {s["id"] for s in await forum.spaces(limit=2)}  # anonymous

    # The batch read (the gateway's loader) leaves out what the caller may not read, like unknown ids.
    wanted = [*sorted(ids), str(uuid.uuid4())]
    assert {s["id"] for s in await forum.ok("POST", "/spaces/batch", manager, json={"ids": wanted})} == ids
    assert await forum.ok("POST", "/spaces/batch", outsider, json={"ids": wanted}) == []
    category = await forum.space("market-access")
    batch = await forum.ok("POST", "/spaces/batch", outsider, json={"ids": [category["id"]]})
    assert [s["slug"] for s in batch] == ["market-access"] and "thread_count" in batch[0]

"""Private spaces: a consortium's (kept in step with directory's membership events) and an accepted
introduction's (matching's event). Outsiders get `forbidden`, and never see them in lists or search."""

from __future__ import annotations

import uuid

from shared.events.directory import (
    ConsortiumCreated,
    MemberJoined,
    MemberLeft,
    OrganizationManagerAdded,
)
from shared.events.matching import IntroductionAccepted


async def _consortium_space(forum, consortium_id: uuid.UUID, who) -> dict:  # type: ignore[no-untyped-def]
    return next(
        s for s in await forum.spaces(who, kind="consortium") if s["consortium_id"] == str(consortium_id)
    )


async def test_consortium_space_follows_membership_events(forum):
    manager = await forum.register("Gerente Andina", "consortium_manager")
    member = await forum.register("Socia Uno", "member")
    outsider = await forum.register("Ajeno Total", "member")
    consortium, member_org = uuid.uuid4(), uuid.uuid4()
    await forum.deliver(
        ConsortiumCreated(
            consortium_id=consortium,
            name="Consorcio Andino de Cacao",
            country="EC",
            manager_user_id=manager.user_id,
        )
    )
    await forum.deliver(
        OrganizationManagerAdded(organization_id=member_org, user_id=member.user_id, role="owner")
    )
    space = await _consortium_space(forum, consortium, manager)
    assert space["is_private"] and space["name_es"] == "Consorcio Andino de Cacao"

    # Before its organization joins, the member is an outsider too.
    denied = await forum.call("GET", f"/spaces/{space['id']}/threads", member)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    await forum.deliver(MemberJoined(consortium_id=consortium, organization_id=member_org))
    thread = (
        await forum.ok(
            "POST",
            f"/spaces/{space['id']}/threads",
            member,
            json={"title": "Precios de exportación", "body": "Propuesta confidencial de precios"},
        )
    )["thread"]
    created = (await forum.events("thread.created"))[-1]
    assert created["is_private"] is True

    for attempt in (
        forum.call("GET", f"/threads/{thread['id']}", outsider),
        forum.call("POST", f"/threads/{thread['id']}/posts", outsider, json={"body": "hola"}),
        forum.call("POST", f"/spaces/{space['id']}/threads", outsider, json={"title": "x", "body": "y"}),
        forum.call("GET", f"/spaces/{space['id']}", outsider),
    ):
        response = await attempt
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    anonymous = await forum.call("GET", f"/threads/{thread['id']}")
    assert anonymous.status_code == 401
    assert all(s["id"] != space["id"] for s in await forum.spaces(outsider))
    assert (await forum.ok("GET", "/search", outsider, params={"q": "confidencial precios"}))["items"] == []
    assert len((await forum.ok("GET", "/search", member, params={"q": "confidencial precios"}))["items"]) == 1
    batch = await forum.ok("POST", "/threads/batch", outsider, json={"ids": [thread["id"]]})
    assert batch == []

    await forum.deliver(MemberLeft(consortium_id=consortium, organization_id=member_org))
    gone = await forum.call("GET", f"/threads/{thread['id']}", member)
    assert gone.status_code == 403
    assert (await forum.call("GET", f"/threads/{thread['id']}", manager)).status_code == 200


async def test_accepted_introduction_opens_a_space_for_the_pair(forum):
    a = await forum.register("Parte A", "member")
    b = await forum.register("Parte B", "member")
    c = await forum.register("Parte C", "member")
    introduction = uuid.uuid4()
    await forum.deliver(
        IntroductionAccepted(
            introduction_id=introduction,
            match_id=uuid.uuid4(),
            match_type="partner",
            organization_ids=[uuid.uuid4(), uuid.uuid4()],
            user_ids=[a.user_id, b.user_id],
        )
    )
    space = next(
        s for s in await forum.spaces(a, kind="introduction") if s["introduction_id"] == str(introduction)
    )
    thread = (
        await forum.ok(
            "POST", f"/spaces/{space['id']}/threads", a, json={"title": "Hola", "body": "Conversemos"}
        )
    )["thread"]
    await forum.ok("POST", f"/threads/{thread['id']}/posts", b, json={"body": "Con gusto @partea y @partec"})
    mentioned = {m["mentioned_user_id"] for m in await forum.events("user.mentioned")}
    assert str(a.user_id) in mentioned and str(c.user_id) not in mentioned  # no leak by mention
    assert (await forum.call("GET", f"/threads/{thread['id']}", c)).status_code == 403

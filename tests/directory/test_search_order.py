"""The order of a word search: names holding the words first, then verified and complete profiles,
the same on both databases and whichever way PostgreSQL finds the page (search_page.py)."""

from __future__ import annotations

import uuid

import pytest

from services.directory.organizations import checkup, search_page
from shared.auth import Principal
from shared.text import fold
from tests.directory import profile_helpers
from tests.directory.people_helpers import bearer, promote, register, sign_up
from tests.directory.profile_helpers import sme

BADGE = {"verified": 0, "pending": 1, "rejected": 2}


def _rank_key(item) -> int:  # type: ignore[no-untyped-def]
    return BADGE[item["verification_status"]] * 101 + 100 - item["completeness"]


async def _walk(client, query: str, limit: int) -> list[dict]:  # type: ignore[no-untyped-def]
    items: list[dict] = []
    cursor = None
    while True:
        params = {"q": query, "limit": limit, "facets": "false"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/organizations/search", params=params)).json()
        items += page["items"]
        if (cursor := page["next_cursor"]) is None:
            return items


async def _import(client, signing_keys, rows) -> list[str]:  # type: ignore[no-untyped-def]
    admin = signing_keys.issuer.access_token(Principal(user_id=uuid.uuid4(), roles=frozenset({"admin"})))
    response = await client.post(
        "/organizations/import", json={"organizations": rows}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 200, response.text
    return response.json()["ids"]


def _profile(i: int, word: str, named: bool) -> dict:  # type: ignore[type-arg]
    # Three optional parts (five points each) left out by the bits of i: four levels of completeness.
    extra = {
        **({"offers": ""} if i & 1 else {}),
        **({"seeks": ""} if i & 2 else {}),
        **({"certifications": []} if i & 4 else {}),
    }
    if named:
        return sme(name=f"{word.capitalize()} Andina {i}", tax_id=f"N-{word}-{i}", **extra)
    return sme(
        name=f"Granos del Sur {word[-4:]} {i}",
        tax_id=f"R-{word}-{i}",
        description=f"Granos andinos, también {word}.",
        **extra,
    )


@pytest.mark.parametrize("probe_rows", [2, 1500])
async def test_every_page_follows_names_then_badge_and_completeness_then_id(
    directory, signing_keys, monkeypatch, probe_rows
):  # type: ignore[no-untyped-def]
    # Two rows per probe make PostgreSQL find almost every page from the GIN index; 1,500 from the
    # probe. Both must give the one order.
    monkeypatch.setattr(search_page, "PROBE_ROWS", probe_rows)
    monkeypatch.setattr(search_page, "NAMED_PROBE_ROWS", probe_rows)
    word = f"qx{uuid.uuid4().hex[:6]}"
    rows = [_profile(i, word, named=i % 3 == 0) for i in range(36)]
    await _import(directory, signing_keys, rows)

    walked = await _walk(directory, word, limit=4)

    def expected(item) -> tuple:  # type: ignore[no-untyped-def, type-arg]
        return (word not in fold(item["name"]), _rank_key(item), uuid.UUID(item["id"]))

    assert len(walked) == 36 and len({o["id"] for o in walked}) == 36
    assert [o["id"] for o in walked] == [o["id"] for o in sorted(walked, key=expected)]
    assert all(word in fold(o["name"]) for o in walked[:12]) and len({o["completeness"] for o in walked}) == 4


async def test_a_verified_organization_comes_before_more_complete_pending_ones(directory, signing_keys):
    issuer = signing_keys.issuer
    admin = bearer(issuer, await promote(directory, await sign_up(directory), "admin"))
    word = f"qx{uuid.uuid4().hex[:6]}"
    sparse = await register(directory, admin, country="CR", name=f"Lácteos {word}")  # name and country only
    full = [
        await profile_helpers.register(directory, admin, country="CR", name=f"Quesos {word} {i}")
        for i in range(2)
    ]
    agency = await register(directory, admin, kind="agency", country="CR")
    account = await promote(directory, await sign_up(directory), "agency_officer", agency_id=agency["id"])
    officer = bearer(issuer, account)
    before = [o["id"] for o in await _walk(directory, word, limit=10)]
    assert before[-1] == sparse["id"]  # the least complete

    decided = await directory.post(
        f"/organizations/{sparse['id']}/verification", json={"status": "verified"}, headers=officer
    )
    assert decided.status_code == 200, decided.text

    after = [o["id"] for o in await _walk(directory, word, limit=10)]
    assert after[0] == sparse["id"] and sorted(after[1:]) == sorted(o["id"] for o in full)


async def test_a_check_up_and_a_new_name_move_an_organization_up_at_once(directory, signing_keys):
    headers = await profile_helpers.member(directory, signing_keys)
    word = f"qx{uuid.uuid4().hex[:6]}"
    first, second = [
        await profile_helpers.register(directory, headers, name=f"Frutas {i}", description=f"Frutas {word}")
        for i in range(2)
    ]
    ids = sorted([first["id"], second["id"]], key=uuid.UUID)  # equal profiles: by id
    assert [o["id"] for o in await _walk(directory, word, limit=5)] == ids
    behind = ids[1]

    answers = {q.id: "3" for q in checkup.QUESTIONS}
    submitted = await directory.post(
        f"/organizations/{behind}/checkups", json={"answers": answers}, headers=headers
    )
    assert submitted.status_code == 201, submitted.text
    assert [o["id"] for o in await _walk(directory, word, limit=5)] == [behind, ids[0]]  # more complete

    renamed = await directory.patch(
        f"/organizations/{ids[0]}", json={"name": f"Frutas {word}"}, headers=headers
    )
    assert renamed.status_code == 200, renamed.text
    assert [o["id"] for o in await _walk(directory, word, limit=5)] == [ids[0], behind]  # its name holds it

"""Search: accent- and case-insensitive in Spanish and English, facets, cursor pagination."""

from __future__ import annotations

import uuid

from shared.pagination import encode_cursor
from tests.directory.people_helpers import bearer, promote, sign_up
from tests.directory.profile_helpers import member, register


async def _search(client, **params):  # type: ignore[no-untyped-def]
    response = await client.get("/organizations/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _names(page) -> set[str]:  # type: ignore[no-untyped-def]
    return {o["name"] for o in page["items"]}


async def test_search_ignores_accents_and_case_in_spanish_and_english(directory, signing_keys):
    headers = await member(directory, signing_keys)
    await register(
        directory,
        headers,
        name="Artesanías Ñandutí",
        country="PY",
        sectors=["handicrafts"],
        description="Tejidos artesanales de algodón",
        description_en="Handwoven cotton lace",
        products=[{"hs_code": "5804", "description_es": "Encajes", "description_en": "Lace"}],
    )
    await register(
        directory,
        headers,
        name="Café de Altura",
        country="CO",
        sectors=["coffee"],
        description="Café especial tostado",
        description_en="Roasted speciality coffee",
        products=[],
    )
    for query in ("artesanias", "ARTESANÍAS", "ñanduti", "NANDUTI", "algodon", "Algodón"):
        assert _names(await _search(directory, q=query)) == {"Artesanías Ñandutí"}, query
    for query in ("handwoven", "COTTON", "lace", "handicrafts"):
        assert _names(await _search(directory, q=query)) == {"Artesanías Ñandutí"}, query
    for query in ("cafe", "CAFÉ", "coffee", "Roasted", "tostado"):
        assert _names(await _search(directory, q=query)) == {"Café de Altura"}, query
    # Sector names in both languages are searchable too, and the country's names.
    assert _names(await _search(directory, q="artesanía")) == {"Artesanías Ñandutí"}
    assert _names(await _search(directory, q="paraguay")) == {"Artesanías Ñandutí"}
    assert _names(await _search(directory, q="nothing like this")) == set()


async def test_facets_count_the_matches_and_filters_narrow_them(directory, signing_keys):
    headers = await member(directory, signing_keys)
    await register(directory, headers, name="Cacao Uno", country="EC", employees=5, target_markets=["US"])
    await register(
        directory, headers, name="Cacao Dos", country="EC", employees=80, target_markets=["europe"]
    )
    await register(
        directory, headers, name="Cacao Tres", country="PE", employees=80, target_markets=["US", "DE"]
    )
    await register(
        directory,
        headers,
        name="Textil Cuatro",
        country="PE",
        sectors=["textiles"],
        products=[],
        description="Tejidos",
        description_en="Fabrics",
        offers="",
        seeks="",
        target_markets=[],
    )
    page = await _search(directory, q="cacao")
    assert page["total"] == 3
    assert page["facets"]["country"] == {"EC": 2, "PE": 1}
    assert page["facets"]["size"] == {"medium": 2, "micro": 1}
    assert page["facets"]["market"] == {"US": 2, "DE": 1, "europe": 1}
    assert page["facets"]["sector"] == {"cacao": 3} and page["facets"]["kind"] == {"sme": 3}
    assert page["facets"]["verified"] == {"pending": 3}
    assert (await _search(directory, q="cacao", verified="verified"))["items"] == []
    assert _names(await _search(directory, q="cacao", country="PE")) == {"Cacao Tres"}
    assert _names(await _search(directory, q="cacao", size="medium", market="US")) == {"Cacao Tres"}
    assert _names(await _search(directory, market=["US", "europe"])) == {
        "Cacao Uno",
        "Cacao Dos",
        "Cacao Tres",
    }
    # A sector family matches its children.
    assert _names(await _search(directory, sector="agroindustry")) == {"Cacao Uno", "Cacao Dos", "Cacao Tres"}
    assert _names(await _search(directory, sector="textiles-apparel", kind="sme")) == {"Textil Cuatro"}


async def test_cursor_pagination_walks_every_match_once(directory, signing_keys):
    headers = await member(directory, signing_keys)
    for i in range(7):
        await register(
            directory, headers, name=f"Exportadora Andina {i}", description="exportadora " * (i + 1)
        )
    for query in ("exportadora", ""):
        seen: list[str] = []
        cursor = None
        while True:
            params = {"q": query, "limit": 3, "facets": "false"} | ({"cursor": cursor} if cursor else {})
            page = await _search(directory, **params)
            seen += [o["id"] for o in page["items"]]
            assert len(page["cursors"]) == len(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 7, query


async def test_edits_and_deletions_reach_the_index(directory, signing_keys):
    headers = await member(directory, signing_keys)
    org = await register(
        directory,
        headers,
        name="Miel del Sur",
        sectors=["honey"],
        products=[],
        description="Miel de abejas nativas",
        description_en="Organic honey",
    )
    await directory.patch(
        f"/organizations/{org['id']}", json={"description": "Propóleo y jalea real"}, headers=headers
    )
    assert _names(await _search(directory, q="propoleo")) == {"Miel del Sur"}
    assert _names(await _search(directory, q="abejas")) == set()
    await directory.delete(f"/organizations/{org['id']}", headers=headers)
    assert (await _search(directory, q="miel"))["items"] == []
    assert (await _search(directory, q="miel"))["facets"]["sector"] == {}


async def test_a_cursor_that_was_not_issued_is_a_validation_error(directory):
    some_id = str(uuid.uuid4())
    # Ranked by words: a finite score and an id; by name: a string and an id.
    for q, forged in (
        ("x", ["%%%", encode_cursor("NaN", some_id), encode_cursor("high", some_id), encode_cursor(1.0)]),
        ("", ["%%%", encode_cursor({"a": 1}, some_id), encode_cursor("a", "not-an-id"), encode_cursor("x")]),
    ):
        for cursor in forged:
            response = await directory.get("/organizations/search", params={"q": q, "cursor": cursor})
            assert response.status_code == 422, (cursor, response.text)
            assert response.json()["error"]["code"] == "validation_error"


async def test_a_verification_decision_is_at_once_a_search_filter_and_facet(directory, signing_keys):
    issuer = signing_keys.issuer
    admin = bearer(issuer, await promote(directory, await sign_up(directory), "admin"))
    agency = await register(directory, admin, kind="agency", name="Agencia Nacional", country="CR")
    officer = bearer(
        issuer, await promote(directory, await sign_up(directory), "agency_officer", agency_id=agency["id"])
    )
    owner = await member(directory, signing_keys)
    verified = await register(directory, owner, name="Cacao Verificado", country="CR")
    await register(directory, owner, name="Cacao Pendiente", country="CR")
    decided = await directory.post(
        f"/organizations/{verified['id']}/verification", json={"status": "verified"}, headers=officer
    )
    assert decided.status_code == 200, decided.text
    page = await _search(directory, q="cacao", kind="sme")
    assert page["facets"]["verified"] == {"pending": 1, "verified": 1}
    assert _names(await _search(directory, q="cacao", verified="verified")) == {"Cacao Verificado"}
    assert _names(await _search(directory, verified="pending", kind="sme")) == {"Cacao Pendiente"}


async def test_filter_values_that_are_not_codes_match_nothing(directory, signing_keys):
    headers = await member(directory, signing_keys)
    await register(directory, headers, name="Cacao Uno", country="EC", target_markets=["US"])
    for params in (
        {"sector": "cacao' | 'kind:sme"},
        {"market": "US:*"},
        {"country": "E C"},
        {"kind": "sme)|(kind:agency"},
    ):
        page = await _search(directory, q="cacao", **params)
        assert page["items"] == [] and page["total"] == 0, params
    assert _names(await _search(directory, q="cacao", market=["US", "nowhere!"])) == {"Cacao Uno"}


async def test_an_organization_counts_once_in_each_of_its_sectors_and_markets(directory, signing_keys):
    headers = await member(directory, signing_keys)
    both = {"sectors": ["cacao", "coffee"], "target_markets": ["US", "DE", "europe"]}
    await register(directory, headers, name="Tostadores Unidos", country="CO", employees=30, **both)
    await register(
        directory, headers, name="Tostadores Solos", country="CO", sectors=["coffee"], target_markets=[]
    )
    admin = bearer(signing_keys.issuer, await promote(directory, await sign_up(directory), "admin"))
    await register(
        directory,
        admin,
        kind="regional_body",
        name="Red Regional de Tostadores",
        country=None,
        employees=None,
    )
    page = await _search(directory, q="tostadores")
    assert page["total"] == 3
    # sme() defaults: the regional body is in cacao and targets US and europe.
    assert page["facets"]["sector"] == {"cacao": 2, "coffee": 2}
    assert page["facets"]["market"] == {"US": 2, "europe": 2, "DE": 1}
    assert page["facets"]["country"] == {"CO": 2}  # a regional body has no country
    assert page["facets"]["kind"] == {"sme": 2, "regional_body": 1}
    assert page["facets"]["size"] == {"small": 2}
    assert _names(await _search(directory, q="tostadores", market="europe", sector="cacao")) == {
        "Tostadores Unidos",
        "Red Regional de Tostadores",
    }


async def test_a_search_answers_only_the_fields_asked_for_and_pages_the_same(directory, signing_keys):
    headers = await member(directory, signing_keys)
    for i in range(3):
        await register(directory, headers, name=f"Panela Orgánica {i}", country="CO")
    whole = await _search(directory, q="panela", limit=2)
    slim = await _search(directory, q="panela", limit=2, fields="name,region,country")
    assert [set(o) for o in slim["items"]] == [{"id", "name", "region", "country"}] * 2
    assert [(o["id"], o["name"]) for o in slim["items"]] == [(o["id"], o["name"]) for o in whole["items"]]
    assert slim["items"][0]["region"] == "south_america"
    assert {k: slim[k] for k in ("cursors", "next_cursor", "facets", "total", "exact_counts")} == {
        k: whole[k] for k in ("cursors", "next_cursor", "facets", "total", "exact_counts")
    }
    rest = await _search(directory, q="panela", limit=2, fields="name", cursor=slim["next_cursor"])
    assert [o["name"] for o in rest["items"]] == [
        o["name"]
        for o in (await _search(directory, q="panela", limit=2, cursor=whole["next_cursor"]))["items"]
    ]
    # A field that needs the whole organization gives whole organizations.
    assert "products" in (await _search(directory, q="panela", fields="name,products"))["items"][0]

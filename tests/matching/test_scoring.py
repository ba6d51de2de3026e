"""Scoring without infrastructure: competitors, supplier chains, reasons, formation constraints."""

from __future__ import annotations

import uuid

from services.matching.scoring import chains
from services.matching.scoring.formation import form
from services.matching.scoring.index import CandidateIndex
from services.matching.scoring.profile import Profile
from services.matching.scoring.score import Scorer, competing_headings


def profile(
    name: str,
    code: str,
    description: str,
    *,
    sector: str = "cacao",
    markets=("DE", "NL"),
    size: str = "small",
    score: int = 70,
    country: str = "EC",
    **extra,
) -> Profile:  # type: ignore[no-untyped-def]
    return Profile.from_event(
        {
            "organization_id": str(uuid.uuid4()),
            "name": name,
            "kind": "sme",
            "country": country,
            "sectors": [sector],
            "products": [{"hs_code": code, "description": description}],
            "target_markets": list(markets),
            "size_class": size,
            "export_checkup_score": score,
            **extra,
        }
    )


def test_same_heading_for_the_same_markets_are_competitors_and_never_partners():
    a = profile("Cacao A", "180400", "manteca de cacao")
    b = profile("Cacao B", "180400", "cocoa butter", markets=("DE",))
    assert competing_headings(a, b) == ["1804"]
    assert Scorer().partner(a, b) is None
    index = CandidateIndex()
    for p in (a, b, profile("Choco C", "180632", "barras de chocolate")):
        index.put(p)
    assert b.id not in {s.counterpart_id for s in index.top(a, "partner")}


def test_same_heading_for_different_markets_is_not_competition():
    a = profile("Cacao A", "180400", "manteca de cacao", markets=("DE",))
    b = profile("Cacao B", "180400", "cocoa butter", markets=("JP",))
    assert competing_headings(a, b) == []


def test_supplier_chains_are_detected_across_chapters():
    cases = [
        ("180100", "180620"),
        ("080300", "081340"),
        ("0804", "200799"),
        ("410712", "420221"),
        ("4107", "640399"),
        ("520512", "610910"),
        ("5402", "620342"),
        ("440710", "940360"),
        ("481910", "200819"),
        ("481910", "180620"),
    ]
    for supplier, buyer in cases:
        assert chains.supply_links([supplier], [buyer]), (supplier, buyer)
    assert not chains.supply_links(["180620"], ["180100"])  # chocolate is not an input of beans
    tannery = profile("Curtiembre", "410712", "cuero curtido", sector="leather-footwear")
    shoes = profile("Calzado", "640399", "zapatos de cuero", sector="leather-footwear")
    s = Scorer().supplier(tannery, shoes)
    assert s is not None and s.supplier_id == tannery.id
    assert any("→" in r for r in s.reasons_en) and any("cadena de suministro" in r for r in s.reasons_es)
    assert Scorer().supplier(shoes, tannery) is None


def test_reasons_are_given_in_spanish_and_english():
    a = profile("Andes Cacao", "180400", "cocoa butter", offers="cocoa butter", seeks="chocolate makers")
    b = profile(
        "Choco Quito", "180632", "chocolate bars", offers="organic chocolate bars", seeks="manteca de cacao"
    )
    s = Scorer().partner(a, b)
    assert s is not None and 0.0 <= s.score <= 1.0
    assert "complementary products: cocoa butter ↔ chocolate bars" in s.reasons_en
    assert "productos complementarios: cocoa butter ↔ chocolate bars" in s.reasons_es
    assert "both export to Germany and the Netherlands" in s.reasons_en
    assert "ambos exportan a Alemania y los Países Bajos" in s.reasons_es
    assert "similar size: small" in s.reasons_en and "tamaño similar: pequeña" in s.reasons_es
    assert len(s.reasons_es) == len(s.reasons_en)


def test_formation_groups_have_seven_to_ten_members_and_no_competitors():
    pool = []
    codes = [
        "180100",
        "180400",
        "180500",
        "180632",
        "180690",
        "081340",
        "200799",
        "200819",
        "170490",
        "190531",
    ]
    for g, market in enumerate(("DE", "JP", "US")):
        for i, code in enumerate(codes[: 8 + g % 2]):
            pool.append(
                profile(f"G{g}-{i}", code, f"product {code}", markets=(market,), sector="agroindustry")
            )
    # Direct competitors of group 0's members, for group 0's market.
    pool += [
        profile(f"Rival {i}", codes[i], "rival", markets=("DE",), sector="agroindustry") for i in range(3)
    ]
    result = form(pool)
    assert result.groups
    for group in result.groups:
        assert 7 <= len(group.members) <= 10
        members = [next(p for p in pool if p.id == m.organization_id) for m in group.members]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                assert not competing_headings(a, b), (a.name, b.name)
        assert all(m.explanation_en.startswith("Complements") and m.explanation_es for m in group.members)
    placed = sum(len(g.members) for g in result.groups) + len(result.unassigned)
    assert placed == len(pool)

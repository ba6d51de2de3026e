"""Pair scoring for partner, supplier and inter-consortium suggestions, with the reasons behind each score.

Each criterion of the 2015 report is a component in [0, 1]; a match type is a weighted sum of them
(weights in ``WEIGHTS``, documented in docs/matching.md), so the score is in [0, 1] and every reason
shown carries the weight it added. Gates come first: direct competitors are never partners.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from services.matching.scoring import chains, reasons, text
from services.matching.scoring.profile import Profile
from shared.reference import sector_distance

PARTNER, SUPPLIER, INTER_CONSORTIUM, FORMATION = "partner", "supplier", "inter_consortium", "formation"
MATCH_TYPES = (PARTNER, SUPPLIER, INTER_CONSORTIUM)

WEIGHTS: dict[str, dict[str, float]] = {
    PARTNER: {
        "sector": 0.15,
        "complementarity": 0.20,
        "size": 0.15,
        "readiness": 0.10,
        "markets": 0.20,
        "proximity": 0.10,
        "text": 0.10,
    },
    SUPPLIER: {
        "chain": 0.40,
        "text": 0.20,
        "proximity": 0.15,
        "size": 0.05,
        "readiness": 0.05,
        "markets": 0.10,
        "role": 0.05,
    },
    INTER_CONSORTIUM: {"sector": 0.25, "lines": 0.20, "markets": 0.30, "proximity": 0.15, "text": 0.10},
}
UPSTREAM_ROLES = {"producer", "input_supplier", "grower", "supplier"}
DOWNSTREAM_ROLES = {"processor", "trading", "manufacturer", "exporter"}


@dataclass
class Suggestion:
    match_type: str
    organization_id: uuid.UUID
    counterpart_id: uuid.UUID
    score: float
    reasons: list[reasons.Reason] = field(default_factory=list)
    supplier_id: uuid.UUID | None = None

    @property
    def pair(self) -> tuple[uuid.UUID, uuid.UUID]:
        a, b = self.organization_id, self.counterpart_id
        return (a, b) if str(a) < str(b) else (b, a)

    @property
    def reasons_es(self) -> list[str]:
        return [r.es for r in self.reasons]

    @property
    def reasons_en(self) -> list[str]:
        return [r.en for r in self.reasons]


def competing_headings(a: Profile, b: Profile) -> list[str]:
    """Same HS heading for overlapping markets (or markets unknown on a side): direct competitors."""
    shared = a.headings & b.headings
    if not shared:
        return []
    if a.markets and b.markets and not (a.markets & b.markets or a.market_regions & b.market_regions):
        return []
    return sorted(shared)


class Scorer:
    def __init__(
        self, idf: Callable[[str], float] = lambda _t: 1.0, generation: Callable[[], int] = lambda: 0
    ) -> None:
        self.idf = idf
        self.generation = generation
        self._vectors: dict[tuple, tuple] = {}

    # Components -------------------------------------------------------------------------------
    @staticmethod
    def sector(a: Profile, b: Profile) -> tuple[float, reasons.Reason | None]:
        best, code, same = 0.0, None, False
        for sa in a.sectors:
            for sb in b.sectors:
                d = sector_distance(sa, sb)
                value = {0: 1.0, 1: 0.75}.get(d, 0.0)
                if value > best:
                    best, code, same = value, sa, d == 0
        return best, (reasons.sector(code, same, 0.0) if code else None)

    @staticmethod
    def size(a: Profile, b: Profile) -> float:
        ia, ib = a.size_index, b.size_index
        if ia is None or ib is None:
            return 0.4
        return {0: 1.0, 1: 0.4}.get(abs(ia - ib), 0.0)

    @staticmethod
    def readiness(a: Profile, b: Profile) -> float:
        if a.checkup is None or b.checkup is None:
            return 0.4
        return max(0.0, 1.0 - abs(a.checkup - b.checkup) / 40.0)

    @staticmethod
    def markets(a: Profile, b: Profile) -> tuple[float, reasons.Reason | None]:
        if not a.markets or not b.markets:
            return 0.1, None
        shared = a.markets & b.markets
        if shared:
            value = min(1.0, 0.6 + 0.4 * len(shared) / min(len(a.markets), len(b.markets)))
            return value, reasons.markets(sorted(shared), 0.0)
        regions = a.market_regions & b.market_regions
        if regions:
            return 0.35, reasons.regions(sorted(regions), 0.0)
        return 0.0, None

    @staticmethod
    def proximity(a: Profile, b: Profile) -> tuple[float, reasons.Reason | None]:
        if a.country and a.country == b.country:
            near = 1.0 if a.region and a.region == b.region else 0.9
            return near, reasons.country(a.country, 0.0)
        if a.area and a.area == b.area:
            return 0.6, reasons.area(a.area, 0.0)
        return 0.2, None

    def vector(self, p: Profile, kind: str) -> dict[str, float]:
        """TF-IDF of one of a profile's texts, cached until the IDF table has moved on (``generation``)."""
        counts = {"offer": p.offer_terms, "seeks": p.seeks_terms, "text": p.text_terms}[kind]
        key = (p.id, kind)
        hit = self._vectors.get(key)
        if hit is not None and hit[0] is counts and hit[1] == self.generation():
            return hit[2]
        vec = text.tfidf(counts, self.idf)
        if len(self._vectors) > 200_000:
            self._vectors.clear()
        self._vectors[key] = (counts, self.generation(), vec)
        return vec

    def offer_seek(self, a: Profile, b: Profile, *, one_way: bool = False) -> tuple[float, list[str]]:
        best, words = 0.0, []
        pairs = [(a, b)] if one_way else [(a, b), (b, a)]
        for offerer, seeker in pairs:
            va, vb = self.vector(offerer, "offer"), self.vector(seeker, "seeks")
            sim = text.cosine(va, vb)
            if sim > best:
                best = sim
                words = list(dict.fromkeys(offerer.words.get(t, t) for t in text.shared_words(va, vb, 6)))[:3]
        return best, words

    def text_similarity(self, a: Profile, b: Profile) -> tuple[float, list[str]]:
        va, vb = self.vector(a, "text"), self.vector(b, "text")
        return text.cosine(va, vb), list(
            dict.fromkeys(a.words.get(t, t) for t in text.shared_words(va, vb, 6))
        )[:3]

    # Match types ------------------------------------------------------------------------------
    def partner(self, a: Profile, b: Profile) -> Suggestion | None:
        if a.id == b.id or a.kind != "sme" or b.kind != "sme" or competing_headings(a, b):
            return None
        w = WEIGHTS[PARTNER]
        sector, sector_reason = self.sector(a, b)
        links = chains.links_between(a, b) or chains.links_between(b, a)
        offer_seek, os_words = self.offer_seek(a, b)
        if sector < 0.75 and not links and offer_seek < 0.2:
            return None  # not the same value chain: nothing to build an export offer on together
        complement, comp_reason = self._complement(a, b, sector, bool(links))
        markets, market_reason = self.markets(a, b)
        proximity, prox_reason = self.proximity(a, b)
        txt, txt_words = self.text_similarity(a, b)
        text_value = max(offer_seek, min(1.0, txt))
        parts = {
            "sector": sector,
            "complementarity": complement,
            "size": self.size(a, b),
            "readiness": self.readiness(a, b),
            "markets": markets,
            "proximity": proximity,
            "text": text_value,
        }
        found = [
            (comp_reason, w["complementarity"] * complement),
            (sector_reason, w["sector"] * sector),
            (market_reason, w["markets"] * markets),
            (prox_reason, w["proximity"] * proximity),
        ]
        found += self._likeness(a, b, w, parts)
        if offer_seek >= 0.15 and os_words:
            found.append((reasons.offer_meets_seek(os_words, 0.0), w["text"] * offer_seek))
        elif txt >= 0.2 and txt_words:
            found.append((reasons.similar_lines(txt_words, 0.0), w["text"] * txt))
        return self._suggest(PARTNER, a, b, w, parts, found)

    def supplier(self, supplier: Profile, buyer: Profile) -> Suggestion | None:
        if supplier.id == buyer.id or supplier.kind != "sme" or buyer.kind != "sme":
            return None
        links = chains.links_between(supplier, buyer)
        if not links:
            return None
        w = WEIGHTS[SUPPLIER]
        offer_seek, os_words = self.offer_seek(supplier, buyer, one_way=True)
        proximity, prox_reason = self.proximity(supplier, buyer)
        markets, market_reason = self.markets(supplier, buyer)
        role = 1.0 if (supplier.role in UPSTREAM_ROLES and buyer.role in DOWNSTREAM_ROLES) else 0.5
        parts = {
            "chain": min(1.0, 0.8 + 0.1 * len(links)),
            "text": offer_seek,
            "proximity": proximity,
            "size": self.size(supplier, buyer),
            "readiness": self.readiness(supplier, buyer),
            "markets": markets,
            "role": role,
        }
        chain, s_code, b_code = links[0]
        found = [
            (
                reasons.supply(
                    supplier.product_label(s_code),
                    buyer.product_label(b_code),
                    chain.input_es + " → " + chain.output_es,
                    chain.input_en + " → " + chain.output_en,
                    0.0,
                ),
                w["chain"] * parts["chain"],
            ),
            (prox_reason, w["proximity"] * proximity),
            (market_reason, w["markets"] * markets),
        ]
        if offer_seek >= 0.15 and os_words:
            found.append((reasons.offer_meets_seek(os_words, 0.0), w["text"] * offer_seek))
        found += self._likeness(supplier, buyer, w, parts)
        suggestion = self._suggest(SUPPLIER, supplier, buyer, w, parts, found)
        suggestion.supplier_id = supplier.id
        return suggestion

    def inter_consortium(self, a: Profile, b: Profile) -> Suggestion | None:
        """Consortia of different countries with the same or complementary lines: pooled volume."""
        if a.id == b.id or a.kind != "consortium" or b.kind != "consortium" or a.country == b.country:
            return None
        w = WEIGHTS[INTER_CONSORTIUM]
        sector, sector_reason = self.sector(a, b)
        shared_lines = a.headings & b.headings
        links = chains.links_between(a, b) or chains.links_between(b, a)
        lines = 1.0 if shared_lines or links else (0.5 if a.chapters & b.chapters else 0.0)
        txt, txt_words = self.text_similarity(a, b)
        if sector == 0.0 and lines == 0.0 and txt < 0.2:
            return None
        markets, market_reason = self.markets(a, b)
        proximity = 1.0 if a.area and a.area == b.area else 0.4
        parts = {
            "sector": sector,
            "lines": lines,
            "markets": markets,
            "proximity": proximity,
            "text": min(1.0, txt),
        }
        found = [
            (reasons.cross_border(a.country, b.country, 0.0), w["proximity"] * proximity),
            (sector_reason, w["sector"] * sector),
            (market_reason, w["markets"] * markets),
        ]
        if shared_lines:
            labels = [
                a.product_label(next(c for c in a.codes if c.startswith(h))) for h in sorted(shared_lines)[:2]
            ]
            found.append((reasons.similar_lines(labels, 0.0), w["lines"]))
        elif txt >= 0.2 and txt_words:
            found.append((reasons.similar_lines(txt_words, 0.0), w["text"] * txt))
        return self._suggest(INTER_CONSORTIUM, a, b, w, parts, found)

    # Helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _complement(
        a: Profile, b: Profile, sector: float, linked: bool
    ) -> tuple[float, reasons.Reason | None]:
        if not a.headings or not b.headings:
            return 0.5 * sector, None
        pa = next(p for p in a.products if p.heading)
        pb = next(p for p in b.products if p.heading)
        value = 1.0 if linked or a.chapters & b.chapters or sector >= 0.75 else 0.3
        label = reasons.complementary_products(
            pa.description or f"HS {pa.code}", pb.description or f"HS {pb.code}", 0.0
        )
        return value, label

    @staticmethod
    def _likeness(a: Profile, b: Profile, w: dict[str, float], parts: dict[str, float]) -> list:  # type: ignore[type-arg]
        found = []
        if a.size and a.size == b.size:
            found.append((reasons.size(a.size, 0.0), w["size"] * parts["size"]))
        if a.checkup is not None and b.checkup is not None and parts["readiness"] >= 0.75:
            found.append((reasons.readiness(a.checkup, b.checkup, 0.0), w["readiness"] * parts["readiness"]))
        return found

    @staticmethod
    def _suggest(
        kind: str, a: Profile, b: Profile, w: dict[str, float], parts: dict[str, float], found
    ) -> Suggestion:  # type: ignore[no-untyped-def]
        score = round(min(1.0, max(0.0, sum(w[k] * parts[k] for k in w))), 4)
        shown = sorted(((r, x) for r, x in found if r is not None and x > 0.0), key=lambda rx: -rx[1])
        return Suggestion(
            kind, a.id, b.id, score, [reasons.Reason(r.key, r.es, r.en, round(x, 4)) for r, x in shown]
        )

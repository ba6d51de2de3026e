"""Reasons a person can read, in Spanish and English, built from what made a pair score."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.scoring.geography import join, market_name
from services.matching.scoring.profile import SIZE_NAMES
from shared.reference import sectors as taxonomy


@dataclass(frozen=True)
class Reason:
    key: str
    es: str
    en: str
    weight: float = 0.0  # how much it contributed: reasons are shown strongest first


def complementary_products(a: str, b: str, w: float) -> Reason:
    return Reason(
        "complementary_products",
        f"productos complementarios: {a} ↔ {b}",
        f"complementary products: {a} ↔ {b}",
        w,
    )


def supply(input_label: str, output_label: str, chain_es: str, chain_en: str, w: float) -> Reason:
    return Reason(
        "supply_chain",
        f"cadena de suministro ({chain_es}): {input_label} → {output_label}",
        f"supply chain ({chain_en}): {input_label} → {output_label}",
        w,
    )


def markets(shared: list[str], w: float) -> Reason:
    names = [market_name(m) for m in sorted(shared)[:4]]
    es, en = join([n[0] for n in names], "y"), join([n[1] for n in names], "and")
    return Reason("shared_markets", f"ambos exportan a {es}", f"both export to {en}", w)


def regions(shared: list[str], w: float) -> Reason:
    names = [market_name(m) for m in sorted(shared)[:3]]
    es, en = join([n[0] for n in names], "y"), join([n[1] for n in names], "and")
    return Reason("shared_regions", f"ambos apuntan a {es}", f"both target {en}", w)


def size(size_class: str, w: float) -> Reason:
    es, en = SIZE_NAMES[size_class]
    return Reason("similar_size", f"tamaño similar: {es}", f"similar size: {en}", w)


def readiness(a: int, b: int, w: float) -> Reason:
    return Reason(
        "similar_readiness",
        f"preparación exportadora similar (Export Check-Up {a} y {b})",
        f"similar export readiness (Export Check-Up {a} and {b})",
        w,
    )


def sector(code: str, same: bool, w: float) -> Reason:
    s = taxonomy()[code]
    if same:
        return Reason("same_sector", f"mismo sector: {s.name_es}", f"same sector: {s.name_en}", w)
    fam = taxonomy()[s.family]
    return Reason(
        "same_family", f"misma cadena de valor: {fam.name_es}", f"same value chain: {fam.name_en}", w
    )


def country(code: str, w: float) -> Reason:
    es, en = market_name(code)
    return Reason("same_country", f"mismo país: {es}", f"same country: {en}", w)


def area(code: str, w: float) -> Reason:
    es, en = market_name(code)
    return Reason("same_region", f"misma región: {es}", f"same region: {en}", w)


def cross_border(a: str, b: str, w: float) -> Reason:
    (a_es, a_en), (b_es, b_en) = market_name(a), market_name(b)
    return Reason(
        "pooled_supply",
        f"oferta conjunta entre países: {a_es} + {b_es}",
        f"pooled supply across countries: {a_en} + {b_en}",
        w,
    )


def offer_meets_seek(words: list[str], w: float) -> Reason:
    listed = ", ".join(words)
    return Reason(
        "offer_meets_seek",
        f"lo que uno ofrece, el otro lo busca: {listed}",
        f"one offers what the other seeks: {listed}",
        w,
    )


def similar_lines(words: list[str], w: float) -> Reason:
    listed = ", ".join(words)
    return Reason("similar_text", f"líneas afines: {listed}", f"related lines: {listed}", w)

"""Synthetic SME populations for the matching benchmarks (fixed seed, no download).

Planted groups are complementary by construction: one sector family, distinct HS headings, shared
destination markets, one country, one size class, close Export Check-Up scores, and each member seeks
what two others offer. Around them: direct competitors (a planted member's heading for its markets),
size outliers (the group's line and markets, another size and readiness) and off-sector firms.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

from services.matching.scoring.profile import Profile

# family -> sector -> [(HS code, Spanish description)]
LINES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "agroindustry": {
        "cacao": [
            ("180100", "cacao en grano"),
            ("180310", "pasta de cacao"),
            ("180400", "manteca de cacao"),
            ("180500", "cacao en polvo"),
            ("180632", "barras de chocolate"),
            ("180200", "cascarilla de cacao"),
        ],
        "fruit-vegetables": [
            ("080300", "banano orgánico"),
            ("080450", "mango fresco"),
            ("081340", "fruta deshidratada"),
            ("200799", "pulpa de fruta"),
            ("200819", "nueces tostadas"),
            ("200990", "jugo de fruta"),
            ("070960", "ají y pimiento"),
            ("071420", "camote"),
        ],
        "coffee": [("090111", "café verde"), ("210111", "café soluble")],
        "honey": [("040900", "miel de abeja")],
        "cereals-quinoa": [
            ("100850", "quinua"),
            ("110429", "hojuelas de cereal"),
            ("190410", "cereal inflado"),
        ],
        "food-beverages": [
            ("170490", "confites"),
            ("190531", "galletas"),
            ("210390", "salsas"),
            ("220290", "bebidas"),
        ],
    },
    "textiles-apparel": {
        "textiles": [
            ("520512", "hilo de algodón"),
            ("540233", "hilo de poliéster"),
            ("520812", "tela de algodón"),
            ("600622", "tejido de punto"),
            ("551511", "tela de viscosa"),
        ],
        "apparel-fashion": [
            ("610910", "camisetas de algodón"),
            ("620342", "pantalones"),
            ("611020", "suéteres"),
            ("620630", "blusas"),
            ("650500", "sombreros"),
        ],
        "leather-footwear": [
            ("410712", "cuero curtido"),
            ("420221", "bolsos de cuero"),
            ("640399", "calzado de cuero"),
            ("430310", "prendas de piel"),
            ("420330", "cinturones de cuero"),
        ],
    },
    "forestry-wood": {
        "agroforestry-wood": [("440710", "madera aserrada"), ("441299", "tableros contrachapados")],
        "furniture-decoration": [
            ("940360", "muebles de madera"),
            ("940161", "sillas tapizadas"),
            ("442090", "marquetería"),
            ("691390", "cerámica decorativa"),
            ("701399", "vidrio decorativo"),
        ],
        "paper": [("481910", "cajas de cartón"), ("480511", "papel kraft"), ("482390", "artículos de papel")],
    },
    "chemicals-life-sciences": {
        "cosmetics": [
            ("330499", "cremas cosméticas"),
            ("330510", "champú natural"),
            ("340111", "jabón artesanal"),
        ],
        "phytopharmaceuticals": [
            ("121190", "plantas medicinales"),
            ("300490", "fitofármacos"),
            ("330129", "aceites esenciales"),
        ],
        "health-beauty": [("151590", "aceite vegetal"), ("330300", "perfumes")],
    },
    "manufacturing": {
        "metal-mechanics": [
            ("721049", "lámina de acero"),
            ("730890", "estructuras metálicas"),
            ("820720", "matrices"),
            ("847989", "maquinaria agrícola"),
        ],
        "autoparts": [("870830", "frenos"), ("401110", "neumáticos"), ("870899", "autopartes")],
        "plastics": [
            ("390120", "polietileno"),
            ("392330", "envases plásticos"),
            ("392410", "vajilla plástica"),
        ],
    },
}
COUNTRIES = ["EC", "PE", "CO", "CL", "MX", "CR", "GT", "SV", "DO", "JM", "BB", "UY", "AR", "PA", "BZ", "HN"]
MARKETS = ["DE", "NL", "US", "CA", "JP", "KR", "CN", "FR", "ES", "IT", "GB", "BE", "SE", "CH", "AE", "SA"]
SIZES = ["micro", "small", "medium", "large"]


@dataclass
class Population:
    profiles: list[Profile]
    group_of: dict[uuid.UUID, int] = field(default_factory=dict)  # planted members only
    competitors: set[frozenset[uuid.UUID]] = field(default_factory=set)  # ground-truth competitor pairs


def _org(
    rng: random.Random,
    name: str,
    family: str,
    lines: list[tuple[str, str, str]],
    country: str,
    markets: list[str],
    size: str,
    checkup: int,
    seeks: list[str],
) -> Profile:
    return Profile.from_event(
        {
            "organization_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "name": name,
            "kind": "sme",
            "country": country,
            "sectors": sorted({s for s, _, _ in lines}),
            "products": [{"hs_code": c, "description": d} for _, c, d in lines],
            "target_markets": markets,
            "size_class": size,
            "export_checkup_score": max(0, min(100, checkup)),
            "offers": " ".join(d for _, _, d in lines),
            "seeks": " ".join(seeks),
        }
    )


def planted(
    seed: int = 2015,
    groups: int = 24,
    competitors: float = 0.5,
    outliers: int = 40,
    off_sector: int = 40,
    markets: int = len(MARKETS),
    countries: int = len(COUNTRIES),
) -> Population:
    """``markets``/``countries`` narrow the choice: fewer means groups share more and separate less."""
    rng = random.Random(seed)
    market_pool, country_pool = MARKETS[:markets], COUNTRIES[:countries]
    pop = Population([])
    families = sorted(LINES)
    used_markets: set[tuple[str, ...]] = set()
    for g in range(groups):
        family = families[g % len(families)]
        catalogue = [(s, c, d) for s, items in LINES[family].items() for c, d in items]
        size_n = rng.randint(7, 10)
        lines = rng.sample(catalogue, min(size_n, len(catalogue)))
        for _ in range(100):  # a market triple of its own when there are enough
            chosen = tuple(sorted(rng.sample(market_pool, 3)))
            if chosen not in used_markets:
                break
        used_markets.add(chosen)
        country, size, center = rng.choice(country_pool), rng.choice(SIZES[:3]), rng.randint(35, 90)
        members = []
        for i, line in enumerate(lines):
            others = [lines[(i + k) % len(lines)][2] for k in (1, 2)]
            p = _org(
                rng,
                f"G{g:02d}-{i} {line[2]}",
                family,
                [line],
                country,
                list(chosen),
                size,
                center + rng.randint(-4, 4),
                others,
            )
            pop.profiles.append(p)
            pop.group_of[p.id] = g
            members.append((p, line))
        for p, line in members:
            if rng.random() < competitors:  # same heading, same markets, otherwise unlike the group
                rival = _org(
                    rng,
                    f"Rival of {p.name}",
                    family,
                    [(line[0], line[1][:4] + "90", line[2])],
                    rng.choice(country_pool),
                    list(chosen[:2]),
                    rng.choice(SIZES),
                    rng.randint(10, 100),
                    [],
                )
                pop.profiles.append(rival)
                pop.competitors.add(frozenset((p.id, rival.id)))
    for i in range(outliers):
        anchor = rng.choice([p for p in pop.profiles if p.id in pop.group_of])
        family = next(f for f, items in LINES.items() if anchor.sectors[0] in items)
        catalogue = [(s, c, d) for s, items in LINES[family].items() for c, d in items]
        line = rng.choice([x for x in catalogue if x[1][:4] not in anchor.headings])
        size = "large" if anchor.size != "large" else "micro"
        pop.profiles.append(
            _org(
                rng,
                f"Outlier {i}",
                family,
                [line],
                anchor.country,
                sorted(anchor.markets),
                size,
                (anchor.checkup or 50) + rng.choice([-45, 45]),
                [],
            )
        )
    for i in range(off_sector):
        family = rng.choice(families)
        catalogue = [(s, c, d) for s, items in LINES[family].items() for c, d in items]
        pop.profiles.append(
            _org(
                rng,
                f"Off-sector {i}",
                family,
                [rng.choice(catalogue)],
                rng.choice(COUNTRIES),
                rng.sample(MARKETS, 2),
                rng.choice(SIZES),
                rng.randint(0, 100),
                [],
            )
        )
    return pop


def crowd(n: int, seed: int = 7) -> list[Profile]:
    """n varied SMEs (1-3 products, 1-4 markets) for the speed benchmark."""
    rng = random.Random(seed)
    families = sorted(LINES)
    out = []
    for i in range(n):
        family = rng.choice(families)
        catalogue = [(s, c, d) for s, items in LINES[family].items() for c, d in items]
        lines = rng.sample(catalogue, rng.randint(1, 3))
        out.append(
            _org(
                rng,
                f"SME {i}",
                family,
                lines,
                rng.choice(COUNTRIES),
                rng.sample(MARKETS, rng.randint(1, 4)),
                rng.choice(SIZES),
                rng.randint(0, 100),
                [d for _, _, d in rng.sample(catalogue, 2)],
            )
        )
    return out

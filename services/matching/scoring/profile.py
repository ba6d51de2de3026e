"""A profile as matching sees it: the directory event's fields, precomputed for fast scoring."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from services.matching.scoring import chains, text
from services.matching.scoring.geography import region_of
from shared.reference import sectors as taxonomy

SIZE_CLASSES = ("micro", "small", "medium", "large")
SIZE_NAMES = {
    "micro": ("microempresa", "micro"),
    "small": ("pequeña", "small"),
    "medium": ("mediana", "medium"),
    "large": ("grande", "large"),
}


def size_from_employees(employees: int | None) -> str | None:
    if employees is None:
        return None
    # Directory's classes: micro <= 10, small <= 50, medium <= 200, large above.
    return (
        "micro"
        if employees <= 10
        else "small"
        if employees <= 50
        else "medium"
        if employees <= 200
        else "large"
    )


@dataclass(frozen=True)
class Product:
    code: str  # HS code digits only, "" when unknown
    description: str

    @property
    def heading(self) -> str | None:
        return self.code[:4] if len(self.code) >= 4 else None


@dataclass
class Profile:
    id: uuid.UUID
    name: str
    kind: str
    country: str
    region: str | None
    sectors: tuple[str, ...]
    products: tuple[Product, ...]
    role: str | None
    size: str | None
    checkup: int | None
    export_status: str | None
    markets: frozenset[str]
    certifications: frozenset[str]
    offers_terms: Counter[str]
    seeks_terms: Counter[str]
    product_terms: Counter[str]
    members: frozenset[uuid.UUID] = frozenset()  # consortia: their active members
    words: dict[str, str] = field(default_factory=dict)  # stem -> surface word, for reasons
    families: frozenset[str] = field(init=False)
    headings: frozenset[str] = field(init=False)
    chapters: frozenset[str] = field(init=False)
    codes: tuple[str, ...] = field(init=False)
    supplies: frozenset[str] = field(init=False)  # chain keys whose inputs it makes
    buys: frozenset[str] = field(init=False)  # chain keys whose outputs it makes
    inputs_by_chain: dict[str, list[str]] = field(init=False)  # chain key -> its codes that feed the chain
    outputs_by_chain: dict[str, list[str]] = field(init=False)  # chain key -> its codes the chain makes
    market_regions: frozenset[str] = field(init=False)
    offer_terms: Counter[str] = field(init=False)  # what it offers: products and offers text

    def __post_init__(self) -> None:
        known = taxonomy()
        self.families = frozenset(known[s].family for s in self.sectors if s in known)
        self.codes = tuple(p.code for p in self.products if p.code)
        self.headings = frozenset(h for p in self.products if (h := p.heading))
        self.chapters = frozenset(c[:2] for c in self.codes)
        self.inputs_by_chain, self.outputs_by_chain = {}, {}
        for c in self.codes:
            for ch in chains.chains_fed_by(c):
                self.inputs_by_chain.setdefault(ch.key, []).append(c)
            for ch in chains.chains_feeding(c):
                self.outputs_by_chain.setdefault(ch.key, []).append(c)
        self.supplies = frozenset(self.inputs_by_chain)
        self.buys = frozenset(self.outputs_by_chain)
        self.market_regions = frozenset(r for m in self.markets if (r := region_of(m)))
        self.offer_terms = self.offers_terms + self.product_terms

    @property
    def size_index(self) -> int | None:
        return SIZE_CLASSES.index(self.size) if self.size in SIZE_CLASSES else None

    def product_label(self, code: str) -> str:
        for p in self.products:
            if p.code == code and p.description:
                return p.description
        return f"HS {code}"

    @property
    def area(self) -> str | None:
        """The world region of its country (the subnational ``region`` is kept apart)."""
        return region_of(self.country)

    @property
    def text_terms(self) -> Counter[str]:
        return self.offer_terms

    @classmethod
    def from_event(cls, data: dict[str, Any], members: frozenset[uuid.UUID] = frozenset()) -> Profile:
        raw = data.get("products") or []
        products = tuple(
            Product(
                "".join(ch for ch in (p.get("hs_code") or "") if ch.isdigit()),
                p.get("description") or p.get("description_es") or p.get("description_en") or "",
            )
            for p in raw
        )
        # Both languages feed the text features: a Spanish profile should meet an English one.
        described = " ".join(
            " ".join(filter(None, (p.get("description"), p.get("description_es"), p.get("description_en"))))
            for p in raw
        )
        size = data.get("size_class") or size_from_employees(data.get("employees"))
        markets = frozenset(m.upper() if len(m) == 2 else m.lower() for m in data.get("target_markets") or [])
        return cls(
            id=uuid.UUID(str(data["organization_id"])),
            name=data.get("name", ""),
            kind=data.get("kind", "sme"),
            country=(data.get("country") or "").upper(),
            region=data.get("province"),  # subnational: the world region comes from the country
            sectors=tuple(data.get("sectors") or ()),
            products=products,
            role=data.get("value_chain_role"),
            size=size if size in SIZE_CLASSES else None,
            checkup=data.get("export_checkup_score"),
            export_status=data.get("export_status"),
            markets=markets,
            certifications=frozenset(c.lower() for c in data.get("certifications") or []),
            offers_terms=text.terms(data.get("offers") or ""),
            seeks_terms=text.terms(data.get("seeks") or ""),
            product_terms=text.terms(described),
            members=members,
            words=text.surface(" ".join([data.get("offers") or "", data.get("seeks") or "", described])),
        )

    def pooled_with(self, members: list[Profile]) -> Profile:
        """A consortium seen with its members' lines and markets: what it can pool with another."""
        if not members:
            return self
        seen = {p.code or p.description for p in self.products}
        products = list(self.products)
        for m in members:
            for p in m.products:
                if (p.code or p.description) not in seen:
                    seen.add(p.code or p.description)
                    products.append(p)
        return Profile(
            id=self.id,
            name=self.name,
            kind=self.kind,
            country=self.country,
            region=self.region,
            sectors=tuple(dict.fromkeys([*self.sectors, *(s for m in members for s in m.sectors)])),
            products=tuple(products),
            role=self.role,
            size=self.size,
            checkup=self.checkup,
            export_status=self.export_status,
            markets=self.markets.union(*(m.markets for m in members)),
            certifications=self.certifications.union(*(m.certifications for m in members)),
            offers_terms=sum((m.offers_terms for m in members), Counter(self.offers_terms)),
            seeks_terms=sum((m.seeks_terms for m in members), Counter(self.seeks_terms)),
            product_terms=sum((m.product_terms for m in members), Counter(self.product_terms)),
            members=self.members,
            words={k: v for m in [*members, self] for k, v in m.words.items()},
        )

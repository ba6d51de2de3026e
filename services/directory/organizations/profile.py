"""The rules of an organization's profile: size classes, HS codes, limits, completeness, search text.

Pure functions: the use cases in service.py apply them; docs/directory.md explains the figures.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from services.directory.models import Organization
from shared.errors import DomainError
from shared.reference import sectors

# Employees -> size class. The LAC countries define MSMEs differently (Chile 1-9/10-49/50-199,
# Mexico 0-10/11-50/51-250, Mercosur 1-10/11-40/41-200, ...); these are the commonest cut-offs.
SIZE_CLASSES: tuple[tuple[str, int], ...] = (("micro", 10), ("small", 50), ("medium", 200))
LARGE = "large"

# Longest accepted text per field, in characters. Longer input is refused with `text_too_long`.
TEXT_LIMITS: dict[str, int] = {
    "name": 200,
    "acronym": 40,
    "province": 120,
    "tax_id": 60,
    "description": 5000,
    "description_en": 5000,
    "offers": 2000,
    "seeks": 2000,
    "website": 300,
    "product.description_es": 500,
    "product.description_en": 500,
    "certification": 120,
}

# Completeness: what a partner needs to judge a profile, weighted by how much matching relies on it.
COMPLETENESS_WEIGHTS: dict[str, int] = {
    "name": 5,
    "country": 5,
    "description": 10,
    "sectors": 10,
    "products": 10,
    "hs_codes": 5,
    "value_chain_role": 5,
    "employees": 5,
    "export_status": 5,
    "target_markets": 10,
    "certifications": 5,
    "languages": 5,
    "offers": 5,
    "seeks": 5,
    "website": 5,
    "export_checkup": 5,
}
assert sum(COMPLETENESS_WEIGHTS.values()) == 100

_HS = re.compile(r"^\d{2}(\d{2}){0,2}$")


def size_class(employees: int | None) -> str | None:
    if employees is None:
        return None
    for name, ceiling in SIZE_CLASSES:
        if employees <= ceiling:
            return name
    return LARGE


def normalize_hs_code(raw: str | None) -> str | None:
    """'1806.32' and '18 06 32' become '180632'; anything but 2, 4 or 6 digits of chapters 01-97 fails."""
    if raw is None or not raw.strip():
        return None
    code = re.sub(r"[\s.]", "", raw)
    if not _HS.match(code) or not 1 <= int(code[:2]) <= 97:
        raise DomainError(
            "invalid_hs_code",
            f"{raw!r} is not an HS code: give 2, 4 or 6 digits (chapter, heading or subheading)",
            details={"hs_code": raw},
        )
    return code


def check_sectors(codes: list[str]) -> list[str]:
    known = sectors()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(
            "unknown_sector",
            f"not in the sector taxonomy: {', '.join(unknown)}",
            details={"sectors": unknown},
        )
    return list(dict.fromkeys(codes))


def check_length(field: str, value: str | None) -> None:
    limit = TEXT_LIMITS.get(field)
    if value is not None and limit is not None and len(value) > limit:
        raise DomainError(
            "text_too_long",
            f"{field} is {len(value)} characters long; at most {limit} are accepted",
            details={"field": field, "max": limit, "length": len(value)},
        )


def completeness(org: Organization) -> int:
    present = {
        "name": bool(org.name),
        "country": bool(org.country),
        "description": bool(org.description or org.description_en),
        "sectors": bool(org.sectors),
        "products": bool(org.products),
        "hs_codes": any(p.get("hs_code") for p in org.products or []),
        "value_chain_role": bool(org.value_chain_role),
        "employees": org.employees is not None,
        "export_status": bool(org.export_status),
        "target_markets": bool(org.target_markets),
        "certifications": bool(org.certifications),
        "languages": bool(org.languages),
        "offers": bool(org.offers),
        "seeks": bool(org.seeks),
        "website": bool(org.website),
        "export_checkup": org.export_checkup_score is not None,
    }
    return sum(w for key, w in COMPLETENESS_WEIGHTS.items() if present[key])


def search_text(org: Organization, country_names: tuple[str, ...] = ()) -> str:
    """Everything a searcher might type, folded: names, products and sectors in both languages."""
    known = sectors()
    parts: list[str] = [
        org.name,
        org.acronym or "",
        org.description,
        org.description_en,
        org.offers,
        org.seeks,
    ]
    parts += [org.province or "", *country_names, *org.certifications]
    for product in org.products or []:
        parts += [product.get("description_es") or "", product.get("description_en") or ""]
        parts.append(product.get("hs_code") or "")
    for code in org.sectors or []:
        if (sector := known.get(code)) is not None:
            parts += [sector.name_es, sector.name_en]
    return fast_fold(" ".join(p for p in parts if p))


@lru_cache
def _combining_marks() -> dict[int, None]:
    return {cp: None for cp in range(0x300, 0x30000) if unicodedata.combining(chr(cp))}


def fast_fold(text: str) -> str:
    """shared.text.fold, with one translate() instead of a generator per character (bulk imports)."""
    stripped = unicodedata.normalize("NFKD", text).translate(_combining_marks())
    return " ".join(stripped.casefold().split())


def product_refs(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Products as events carry them: one description (Spanish first), both languages kept too."""
    return [
        {
            "hs_code": p.get("hs_code"),
            "description": p.get("description_es") or p.get("description_en") or "",
            "description_es": p.get("description_es") or "",
            "description_en": p.get("description_en") or "",
        }
        for p in products
    ]

"""Advisory topics: forming consortia, plus the public categories' themes (read from forum's own seed)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry

SEED_DIR = Path(__file__).parent / "seed"


@lru_cache
def categories() -> list[dict]:
    return json.loads((SEED_DIR / "categories.json").read_text())["categories"]


@lru_cache
def topics() -> dict[str, dict[str, str]]:
    """topic slug -> {es, en}."""
    found = {"consortium-formation": {"es": "Formación de consorcios", "en": "Forming a consortium"}}
    for category in categories():
        if category.get("topic", True):
            found[category["slug"]] = {"es": category["name_es"], "en": category["name_en"]}
    return found


def is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None

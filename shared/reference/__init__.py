"""Reference data every service reads: the bilingual sector taxonomy (curated from the 2015 report).

Directory serves it to clients; matching measures distances in it. It is versioned with the code:
a change is a reviewed commit, not a runtime edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Sector:
    code: str
    parent: str | None
    name_es: str
    name_en: str
    hs_chapters: tuple[str, ...]

    @property
    def family(self) -> str:
        return self.parent or self.code


@lru_cache
def sectors() -> dict[str, Sector]:
    rows = json.loads((_HERE / "sectors.json").read_text(encoding="utf-8"))
    return {
        r["code"]: Sector(r["code"], r["parent"], r["name_es"], r["name_en"], tuple(r["hs_chapters"]))
        for r in rows
    }


def sector_distance(a: str, b: str) -> int:
    """0 same sector, 1 same family (or parent and child), 2 different families; 3 if either is unknown."""
    known = sectors()
    if a not in known or b not in known:
        return 3
    if a == b:
        return 0
    return 1 if known[a].family == known[b].family else 2

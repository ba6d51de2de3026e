"""Reference data: ISO 3166 countries in English and Spanish, from pycountry (offline, versioned)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Country

# UN M49 sub-regions for the Americas, the network's home; the rest of the world is grouped coarsely.
_AMERICAS = {
    "south_america": "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    "central_america": "BZ CR GT HN MX NI PA SV",
    "caribbean": "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    "north_america": "BM CA GL PM US",
}
_EUROPE = (
    "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV "
    "MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
)
# Regions a profile may name as target markets, beside ISO countries; the first five are also the
# regions countries are grouped in (everything else is "other").
REGIONS: dict[str, tuple[str, str]] = {
    "south_america": ("América del Sur", "South America"),
    "central_america": ("Centroamérica", "Central America"),
    "caribbean": ("El Caribe", "The Caribbean"),
    "north_america": ("América del Norte", "North America"),
    "europe": ("Europa", "Europe"),
    "latin_america": ("América Latina y el Caribe", "Latin America and the Caribbean"),
    "asia": ("Asia", "Asia"),
    "middle_east": ("Oriente Medio", "Middle East"),
    "africa": ("África", "Africa"),
    "oceania": ("Oceanía", "Oceania"),
    "other": ("Otros", "Other"),
}
REGION_OF: dict[str, str] = {
    code: region for region, codes in _AMERICAS.items() for code in codes.split()
} | {code: "europe" for code in _EUROPE.split()}


@lru_cache
def _spanish() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def iso_countries() -> list[dict[str, str]]:
    es = _spanish()
    return [
        {
            "iso2": c.alpha_2,
            "iso3": c.alpha_3,
            "name_en": getattr(c, "common_name", None) or c.name,
            "name_es": es.gettext(c.name),
            "region": REGION_OF.get(c.alpha_2, "other"),
        }
        for c in pycountry.countries
    ]


async def load_countries(*, session: AsyncSession) -> int:
    """Insert the countries that are missing; returns how many were added (0 on a second run)."""
    known = set((await session.execute(select(Country.iso2))).scalars())
    missing = [Country(**row) for row in iso_countries() if row["iso2"] not in known]
    session.add_all(missing)
    await session.flush()
    return len(missing)

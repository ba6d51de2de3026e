"""Countries -> regions (the seed's regions: south_america, central_america, caribbean, north_america,
europe, other) and market names for reasons. Target markets may name a country or a whole region."""

from __future__ import annotations

from functools import lru_cache

import pycountry

REGIONS = {
    "south_america": "AR BO BR CL CO EC GY PE PY SR UY VE GF FK",
    "central_america": "BZ CR GT HN NI PA SV",
    "caribbean": "AG AI AW BB BS BL BM BQ CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    "north_america": "CA MX US",
    "europe": "AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MC MD ME "
    "MK MT NL NO PL PT RO RS RU SE SI SK SM UA VA",
}
COUNTRY_REGION = {c: r for r, codes in REGIONS.items() for c in codes.split()}
REGION_NAMES = {
    "south_america": ("Sudamérica", "South America"),
    "central_america": ("Centroamérica", "Central America"),
    "caribbean": ("el Caribe", "the Caribbean"),
    "north_america": ("Norteamérica", "North America"),
    "europe": ("Europa", "Europe"),
    "asia": ("Asia", "Asia"),
    "other": ("otras regiones", "other regions"),
}
# Spanish names of the countries that appear most as markets; others fall back to the English name.
_ES = {
    "DE": "Alemania",
    "NL": "los Países Bajos",
    "US": "Estados Unidos",
    "GB": "el Reino Unido",
    "FR": "Francia",
    "ES": "España",
    "IT": "Italia",
    "BE": "Bélgica",
    "CA": "Canadá",
    "MX": "México",
    "JP": "Japón",
    "CN": "China",
    "KR": "Corea del Sur",
    "BR": "Brasil",
    "PE": "Perú",
    "PA": "Panamá",
    "DO": "República Dominicana",
    "SE": "Suecia",
    "EE": "Estonia",
    "HU": "Hungría",
    "CH": "Suiza",
    "BZ": "Belice",
    "BB": "Barbados",
    "JM": "Jamaica",
    "TT": "Trinidad y Tobago",
    "HT": "Haití",
    "CR": "Costa Rica",
    "CO": "Colombia",
    "CL": "Chile",
    "EC": "Ecuador",
    "AR": "Argentina",
    "UY": "Uruguay",
    "GT": "Guatemala",
    "SV": "El Salvador",
    "HN": "Honduras",
    "NI": "Nicaragua",
}


@lru_cache(maxsize=4096)
def region_of(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip()
    if code.lower() in REGION_NAMES:
        return code.lower()
    return COUNTRY_REGION.get(code.upper(), "other")


@lru_cache(maxsize=1024)
def market_name(code: str) -> tuple[str, str]:
    """(Spanish, English) name of a market: a country code or a region."""
    if code.lower() in REGION_NAMES:
        return REGION_NAMES[code.lower()]
    country = pycountry.countries.get(alpha_2=code.upper())
    en = getattr(country, "common_name", None) or (country.name if country else code.upper())
    if code.upper() in ("NL", "GB", "US"):
        en = {"NL": "the Netherlands", "GB": "the United Kingdom", "US": "the United States"}[code.upper()]
    return _ES.get(code.upper(), en), en


def join(names: list[str], conj: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conj} {names[-1]}"

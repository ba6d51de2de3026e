"""Checking and copying a profile's fields: the rules registration, update and bulk import share.

Nothing here writes: the use cases call these before they add or flush anything, so a refused
request leaves the transaction clean.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.models import Country, Organization
from services.directory.organizations import profile
from services.directory.reference import REGIONS
from services.directory.schemas import ProfileFields
from shared.errors import DomainError

# Regional bodies, and regional business associations such as CASME, belong to no one country.
COUNTRYLESS_KINDS = frozenset({"regional_body", "business_association"})


async def country_of(session: AsyncSession, code: str | None, *, kind: str) -> Country | None:
    if code is None:
        if kind in COUNTRYLESS_KINDS:
            return None
        raise DomainError(
            "unknown_country", "a country is required (ISO 3166 alpha-2)", details={"country": None}
        )
    country = await session.get(Country, code)
    if country is None:
        raise DomainError(
            "unknown_country", f"{code} is not an ISO 3166 country code", details={"country": code}
        )
    return country


async def apply_fields(org: Organization, data: ProfileFields, *, session: AsyncSession) -> None:
    """Validate and copy the fields that were sent; nothing is written until every check passed."""
    sent = data.model_fields_set
    values: dict[str, Any] = {}
    for field in (
        "acronym",
        "province",
        "tax_id",
        "description",
        "description_en",
        "offers",
        "seeks",
        "website",
    ):
        if field in sent:
            value = getattr(data, field)
            profile.check_length(field, value)
            values[field] = value if value is not None or field not in _TEXTS else ""
    if "sectors" in sent:
        values["sectors"] = profile.check_sectors(data.sectors or [])
    if "products" in sent:
        products = []
        for p in data.products or []:
            profile.check_length("product.description_es", p.description_es)
            profile.check_length("product.description_en", p.description_en)
            products.append(
                {
                    "hs_code": profile.normalize_hs_code(p.hs_code),
                    "description_es": p.description_es,
                    "description_en": p.description_en,
                }
            )
        values["products"] = products
    if "target_markets" in sent:
        values["target_markets"] = await _markets(session, data.target_markets or [])
    if "certifications" in sent:
        for c in data.certifications or []:
            profile.check_length("certification", c)
        values["certifications"] = list(dict.fromkeys(c for c in data.certifications or [] if c))
    for field in ("value_chain_role", "export_status"):
        if field in sent:
            value = getattr(data, field)
            values[field] = value.value if value is not None else None
    for field in ("employees", "member_count", "founded_year"):
        if field in sent:
            values[field] = getattr(data, field)
    if "languages" in sent:
        values["languages"] = data.languages or []
    for field, value in values.items():
        setattr(org, field, value)
    if org.tax_id is not None:
        org.tax_id = org.tax_id.strip() or None


_TEXTS = {"description", "description_en", "offers", "seeks"}


async def _markets(session: AsyncSession, markets: list[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in markets:
        code = raw.strip()
        if code.lower() in REGIONS:
            cleaned.append(code.lower())
        elif len(code) == 2 and await session.get(Country, code.upper()) is not None:
            cleaned.append(code.upper())
        else:
            raise DomainError(
                "unknown_market",
                f"{raw!r} is neither an ISO 3166 country code nor a region code",
                details={"market": raw},
            )
    return list(dict.fromkeys(cleaned))


async def refuse_duplicate(session: AsyncSession, org: Organization) -> None:
    same_country = (
        Organization.country.is_(None) if org.country is None else Organization.country == org.country
    )
    clash = and_(Organization.name_key == org.name_key, same_country)
    if org.tax_id:
        clash = or_(clash, Organization.tax_id == org.tax_id)
    query = select(Organization.id).where(clash, Organization.id != org.id).limit(1)
    with session.no_autoflush:
        existing = (await session.execute(query)).scalar_one_or_none()
    if existing is not None:
        raise DomainError(
            "duplicate_organization",
            "an organization with this name in this country, or this tax id, is already registered",
            details={"existing_id": str(existing)},
        )


def derive(org: Organization, country: Country | None) -> None:
    org.size_class = profile.size_class(org.employees)
    org.completeness = profile.completeness(org)
    names = (country.name_es, country.name_en) if country is not None else ()
    org.search_text = profile.search_text(org, names)

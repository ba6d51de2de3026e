"""The public profile as events carry it: every field of shared.events.directory.OrganizationProfile."""

from __future__ import annotations

from typing import TypeVar

from services.directory.models import Organization
from services.directory.organizations.profile import product_refs
from services.directory.reference import REGION_OF
from shared.events.directory import OrganizationProfile

P = TypeVar("P", bound=OrganizationProfile)


def verification_of(org: Organization) -> str:
    # Verification belongs to the accounts side of directory; until an organization carries a status,
    # every profile is pending.
    return getattr(org, "verification_status", None) or "pending"


def profile_event(cls: type[P], org: Organization) -> P:
    return cls(
        organization_id=org.id,
        name=org.name,
        kind=org.kind,
        # Regional bodies belong to no country: "" keeps the field a string for every consumer.
        country=org.country or "",
        region=REGION_OF.get(org.country, "other") if org.country else None,
        sectors=list(org.sectors),
        products=product_refs(org.products),
        value_chain_role=org.value_chain_role,
        size_class=org.size_class,
        employees=org.employees,
        export_status=org.export_status,
        export_checkup_score=org.export_checkup_score,
        target_markets=list(org.target_markets),
        certifications=list(org.certifications),
        languages=list(org.languages),
        offers=org.offers,
        seeks=org.seeks,
        verification=verification_of(org),
        acronym=org.acronym,
        province=org.province,
        description=org.description,
        description_en=org.description_en,
        website=org.website,
        member_count=org.member_count,
        completeness=org.completeness,
        updated_at=org.updated_at.isoformat() if org.updated_at else None,
    )

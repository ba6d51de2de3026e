"""An organization as the REST API shows it."""

from __future__ import annotations

from services.directory.models import Organization
from services.directory.reference import REGION_OF
from services.directory.schemas import OrganizationOut


def organization_out(org: Organization) -> OrganizationOut:
    out = OrganizationOut.model_validate(org)
    out.region = REGION_OF.get(org.country, "other") if org.country else None
    return out

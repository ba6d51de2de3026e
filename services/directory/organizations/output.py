"""An organization as the REST API shows it: whole, or only the fields a caller asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.directory.models import Organization
from services.directory.reference import REGION_OF
from services.directory.schemas import OrganizationOut

# Fields answered straight from their column (or, for region, from the country), in the JSON they
# would have in OrganizationOut. The others (products, figures, timestamps, seed_key) need
# pydantic's shaping: asking for any of them gives whole organizations.
PROJECTABLE = frozenset(
    {
        "id", "kind", "name", "acronym", "country", "region", "province", "description",
        "description_en", "sectors", "value_chain_role", "employees", "size_class", "export_status",
        "target_markets", "certifications", "languages", "offers", "seeks", "website",
        "member_count", "founded_year", "export_checkup_score", "completeness", "verification_status",
    }
)  # fmt: skip


def organization_out(org: Organization) -> OrganizationOut:
    out = OrganizationOut.model_validate(org)
    out.region = REGION_OF.get(org.country, "other") if org.country else None
    return out


class Projection:
    """The fields a caller asked for (`?fields=id,name,country`), read as columns, not as objects.

    A page of 20 whole organizations is ~33 KB and most of directory's CPU per page (ORM objects,
    six JSON columns decoded per row, pydantic); the gateway's search page needs four fields.
    """

    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = ("id", *sorted({f for f in fields if f != "id"}))
        needed = {"country" if f == "region" else f for f in self.fields} - {"id"}  # id: always selected
        self.columns = [getattr(Organization, name) for name in sorted(needed)]

    @staticmethod
    def parse(fields: str | None) -> Projection | None:
        """None when the whole organization is wanted (no list, or a field that is not projectable)."""
        if not fields:
            return None
        names = {f.strip() for f in fields.split(",") if f.strip()}
        return Projection(names) if names and names <= PROJECTABLE else None

    def row(self, row: Any) -> dict[str, Any]:
        out = {name: getattr(row, name) for name in self.fields if name != "region"}
        out["id"] = str(row.id)
        if "region" in self.fields:
            out["region"] = REGION_OF.get(row.country, "other") if row.country else None
        return out

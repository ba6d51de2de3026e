"""Per-request DataLoaders of consortium memberships and verification badges.

They hang off the request's Context (created on first use), never off the module: a loader caches,
and a cache shared between requests would serve one caller's view to another.
"""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader


def consortia_of(context: Any) -> DataLoader[str, list[dict[str, Any]]]:
    """Active consortium memberships by member organization id: one call for a whole page."""
    loader = getattr(context, "_consortia_of", None)
    if loader is None:

        async def load(ids: list[str]) -> list[list[dict[str, Any]]]:
            rows = await context.clients.directory.post(
                "/consortium-memberships/batch", json={"ids": list(ids)}
            )
            by_org: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
            for row in rows:
                by_org.setdefault(row["organization_id"], []).append(row)
            return [by_org[i] for i in ids]

        loader = context._consortia_of = DataLoader(load)
    return loader


def verifications(context: Any) -> DataLoader[str, dict[str, Any]]:
    """Verification badges by organization id; never-decided organizations are pending."""
    loader = getattr(context, "_verifications", None)
    if loader is None:

        async def load(ids: list[str]) -> list[dict[str, Any]]:
            rows = await context.clients.directory.post("/verifications/batch", json={"ids": list(ids)})
            by_org = {row["organization_id"]: row for row in rows}
            return [by_org.get(i) or {"organization_id": i, "status": "pending"} for i in ids]

        loader = context._verifications = DataLoader(load)
    return loader

"""Per-request context: the service clients and DataLoaders built fresh for every request.

DataLoaders cache per request on purpose: a module-level loader would serve one user's data to
another and never see updates.
"""

from __future__ import annotations

import uuid
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from gateway.auth.identity import ANONYMOUS, Identity
from gateway.auth.service import AuthService
from gateway.clients import ServiceClients, ServiceError
from gateway.directory.types import Country
from gateway.forum.loaders import ForumLoaders

_indexed: tuple[list[dict[str, Any]], dict[str, Country]] | None = None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _country_index(rows: list[dict[str, Any]]) -> dict[str, Country]:
    """iso2 -> Country, built once per answer of directory's /countries: the reference cache
    (http_pool.py) hands every request the same decoded list for minutes, and the Country objects
    built from it are the same for every caller (and never changed by a resolver)."""
    global _indexed
    if _indexed is None or _indexed[0] is not rows:
        _indexed = (rows, {row["iso2"]: Country.from_row(row) for row in rows})
    return _indexed[1]


class Context(BaseContext):
    def __init__(
        self, clients: ServiceClients, identity: Identity = ANONYMOUS, auth: AuthService | None = None
    ) -> None:
        super().__init__()
        # Only a verified token is forwarded to the services (gateway/auth/identity.py).
        self.identity = identity
        self.auth = auth
        self.clients = clients.with_headers(identity.forward_headers())
        self.organizations: DataLoader[str, dict[str, Any] | None] = DataLoader(self._load_organizations)
        self.countries: DataLoader[str, dict[str, Any] | None] = DataLoader(self._load_countries)
        self.forum = ForumLoaders(self)
        self.sectors: DataLoader[str, dict[str, Any] | None] = DataLoader(self._load_sectors)
        # Filled by list resolvers before a page is returned, so each node's country resolves without
        # scheduling a task per node (graphql-core makes one for every awaitable field).
        self.country_index: dict[str, Country] | None = None

    async def load_country_index(self) -> None:
        if self.country_index is None:
            self.country_index = _country_index(await self.clients.directory.get("/countries"))

    async def _load_organizations(self, ids: list[str]) -> list[dict[str, Any] | None]:
        if not all(map(_is_uuid, ids)):
            # An id that is not a UUID names no organization: null, like one that does not exist.
            valid = [i for i in ids if _is_uuid(i)]
            found = dict(zip(valid, await self._load_organizations(valid), strict=True)) if valid else {}
            return [found.get(i) for i in ids]
        if len(ids) == 1:
            # One organization (its own page): directory's GET costs it a third less than the batch.
            try:
                return [await self.clients.directory.get(f"/organizations/{ids[0]}")]
            except ServiceError as exc:
                if exc.status == 404:
                    return [None]
                raise
        rows = await self.clients.directory.post("/organizations/batch", json={"ids": list(ids)})
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _load_countries(self, codes: list[str]) -> list[dict[str, Any] | None]:
        # 249 rows: one call answers every country on the page.
        by_code = {row["iso2"]: row for row in await self.clients.directory.get("/countries")}
        return [by_code.get(c.upper()) for c in codes]

    async def _load_sectors(self, codes: list[str]) -> list[dict[str, Any] | None]:
        rows = await self.clients.directory.post("/sectors/batch", json={"codes": list(codes)})
        by_code = {row["code"]: row for row in rows}
        return [by_code.get(c) for c in codes]

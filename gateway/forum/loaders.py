"""Forum's DataLoaders, built per request by gateway/context.py (never shared between requests)."""

from __future__ import annotations

import uuid
from typing import Any

from strawberry.dataloader import DataLoader


def _uuids(ids: list[str]) -> list[str]:
    """Ids that can exist (UUIDs); anything else loads as null rather than failing the batch."""
    out = []
    for value in ids:
        try:
            out.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return out


class ForumLoaders:
    def __init__(self, context: Any) -> None:
        # The context, not its clients: a WebSocket context gets the caller's token after it is built.
        self._context = context
        self.posts: DataLoader[str, dict[str, Any] | None] = DataLoader(self._posts)
        self.threads: DataLoader[str, dict[str, Any] | None] = DataLoader(self._threads)
        self.spaces: DataLoader[str, dict[str, Any] | None] = DataLoader(self._spaces)

    async def _posts(self, ids: list[str]) -> list[dict[str, Any] | None]:
        rows = (
            await self._context.clients.forum.post("/posts/batch", json={"ids": _uuids(ids)})
            if _uuids(ids)
            else []
        )
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _threads(self, ids: list[str]) -> list[dict[str, Any] | None]:
        rows = (
            await self._context.clients.forum.post("/threads/batch", json={"ids": _uuids(ids)})
            if _uuids(ids)
            else []
        )
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _spaces(self, ids: list[str]) -> list[dict[str, Any] | None]:
        rows = (
            await self._context.clients.forum.post("/spaces/batch", json={"ids": _uuids(ids)})
            if _uuids(ids)
            else []
        )
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

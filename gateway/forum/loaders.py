"""Forum's DataLoaders, built per request by gateway/context.py (never shared between requests)."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader


class ForumLoaders:
    def __init__(self, context: Any) -> None:
        # The context, not its clients: a WebSocket context gets the caller's token after it is built.
        self._context = context
        self.posts: DataLoader[str, dict[str, Any] | None] = DataLoader(self._posts)
        self.threads: DataLoader[str, dict[str, Any] | None] = DataLoader(self._threads)
        self.spaces: DataLoader[str, dict[str, Any] | None] = DataLoader(self._spaces)

    async def _posts(self, ids: list[str]) -> list[dict[str, Any] | None]:
        rows = await self._context.clients.forum.post("/posts/batch", json={"ids": list(ids)})
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _threads(self, ids: list[str]) -> list[dict[str, Any] | None]:
        rows = await self._context.clients.forum.post("/threads/batch", json={"ids": list(ids)})
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(i) for i in ids]

    async def _spaces(self, ids: list[str]) -> list[dict[str, Any] | None]:
        # The caller's readable spaces are few: one call answers every space on the page.
        by_id = {row["id"]: row for row in await self._context.clients.forum.get("/spaces")}
        return [by_id.get(i) for i in ids]

"""Relay-style connections for every list."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="One item of a page with the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of items.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @staticmethod
    def of(nodes: list[T], cursors: list[str], next_cursor: str | None) -> Connection[T]:
        edges = [Edge(cursor=c, node=n) for n, c in zip(nodes, cursors, strict=True)]
        end = cursors[-1] if cursors else None
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=end)
        )

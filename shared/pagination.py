"""Opaque cursor pagination (keyset): stable under inserts, cheap at any depth."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from shared.errors import DomainError

T = TypeVar("T")
MAX_PAGE = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    # cursors[i] continues after items[i], so a client can resume from any row of the page.
    cursors: list[str] = []
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list):
            raise ValueError
        return values
    except ValueError:
        raise DomainError(
            "validation_error", "the cursor is not one this API issued", details={"cursor": cursor}
        ) from None

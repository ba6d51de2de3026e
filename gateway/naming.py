"""Field and argument names, converted once.

strawberry turns snake_case into camelCase while resolving every argument of every field call;
under load that string work was ~6% of the gateway's CPU. Names are few and fixed: cache them.
"""

from __future__ import annotations

from functools import lru_cache

from strawberry.schema.name_converter import NameConverter


class CachedNameConverter(NameConverter):
    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self.apply_naming_config = lru_cache(maxsize=8192)(super().apply_naming_config)  # type: ignore[method-assign]

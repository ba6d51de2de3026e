"""Text folding for keys and search: case- and accent-insensitive, whitespace collapsed."""

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())

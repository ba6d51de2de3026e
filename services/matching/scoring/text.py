"""Offline bilingual text features: accent-folded, stemmed tokens and TF-IDF cosine (no model download).

Each token is stemmed with both the Spanish and the English Snowball stemmer (profiles mix the two
languages), after a small curated synonym table maps the pairs stemming cannot join (cacao/cocoa,
cuero/leather) onto one canonical word. IDF comes from the live candidate index's document counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import snowballstemmer

from shared.text import fold

_ES = snowballstemmer.stemmer("spanish")
_EN = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    """a al ante con de del desde el en entre es la las lo los o para por se sin su sus un una y e u que
    como mas muy otros otras otro otra nuestro nuestra nuestros tambien todo todos este esta estos
    the of and or for to in on with by from our we an as at is are be its their this that these other all
    s de productos producto products product services servicios empresa company""".split()
)

# Spanish/English pairs that stemming does not join: both map onto the first word.
SYNONYMS = {
    "cocoa": "cacao",
    "chocolates": "chocolate",
    "leather": "cuero",
    "cueros": "cuero",
    "hides": "cuero",
    "footwear": "calzado",
    "shoes": "calzado",
    "zapatos": "calzado",
    "wood": "madera",
    "timber": "madera",
    "furniture": "mueble",
    "muebles": "mueble",
    "honey": "miel",
    "coffee": "cafe",
    "fruit": "fruta",
    "fruits": "fruta",
    "frutas": "fruta",
    "dried": "deshidratada",
    "dehydrated": "deshidratada",
    "deshidratadas": "deshidratada",
    "secas": "deshidratada",
    "pulp": "pulpa",
    "pulps": "pulpa",
    "yarn": "hilo",
    "hilados": "hilo",
    "hilos": "hilo",
    "apparel": "ropa",
    "garments": "ropa",
    "clothing": "ropa",
    "prendas": "ropa",
    "confeccion": "ropa",
    "cartons": "carton",
    "cartones": "carton",
    "boxes": "caja",
    "cajas": "caja",
    "packaging": "empaque",
    "envases": "empaque",
    "empaques": "empaque",
    "shrimp": "camaron",
    "camarones": "camaron",
    "banana": "banano",
    "bananas": "banano",
    "bananos": "banano",
    "sugar": "azucar",
    "milk": "leche",
    "cheese": "queso",
    "butter": "manteca",
    "beans": "grano",
    "granos": "grano",
    "cosmetics": "cosmetico",
    "cosmeticos": "cosmetico",
    "soap": "jabon",
    "jabones": "jabon",
    "handicrafts": "artesania",
    "crafts": "artesania",
    "artesanias": "artesania",
    "textiles": "textil",
    "fabric": "tela",
    "fabrics": "tela",
    "telas": "tela",
    "bags": "bolso",
    "bolsos": "bolso",
    "steel": "acero",
    "plastic": "plastico",
    "plastics": "plastico",
    "plasticos": "plastico",
    "tomatoes": "tomate",
    "tomate": "tomate",
    "tomatoes ": "tomate",
    "flowers": "flor",
    "flores": "flor",
    "quinua": "quinoa",
    "software": "software",
    "juice": "jugo",
    "juices": "jugo",
    "jugos": "jugo",
    "supplier": "proveedor",
    "suppliers": "proveedor",
    "proveedores": "proveedor",
    "buyer": "comprador",
    "buyers": "comprador",
    "compradores": "comprador",
    "organic": "organico",
    "organicos": "organico",
    "organica": "organico",
    "organicas": "organico",
}


@lru_cache(maxsize=65536)
def _stems(token: str) -> tuple[str, ...]:
    token = SYNONYMS.get(token, token)
    es, en = _ES.stemWord(token), _EN.stemWord(token)
    return (es,) if es == en else (es, en)


def terms(text: str) -> Counter[str]:
    """Stemmed term counts of a text (Spanish and English stems of every content word)."""
    counts: Counter[str] = Counter()
    for token in _TOKEN.findall(fold(text)):
        if len(token) < 3 or token in STOPWORDS or token.isdigit():
            continue
        counts.update(_stems(token))
    return counts


def surface(text_: str) -> dict[str, str]:
    """stem -> the word it came from, to show people words instead of stems."""
    words: dict[str, str] = {}
    for token in _TOKEN.findall(fold(text_)):
        if len(token) >= 3 and token not in STOPWORDS and not token.isdigit():
            for stem in _stems(token):
                words.setdefault(stem, token)
    return words


def tfidf(counts: Counter[str] | dict[str, int], idf) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """L2-normalised TF-IDF vector; ``idf`` is a callable term -> weight."""
    vec = {t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def shared_words(a: dict[str, float], b: dict[str, float], limit: int = 3) -> list[str]:
    """The stems weighing most in both vectors: what the two texts are both about."""
    common = sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True)
    return [t for _, t in common[:limit]]

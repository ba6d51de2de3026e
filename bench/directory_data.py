"""Synthetic organizations for directory's benchmarks, and a throwaway PostgreSQL database for them.

Names, products and descriptions are drawn from the sector taxonomy in Spanish and English, so the
full-text index holds realistic, skewed vocabulary (a few very common words, many rare ones).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.servers import PG_BASE_URL
from services.directory.schemas import OrganizationIn
from shared.db import create_engine
from shared.migrations import upgrade
from shared.reference import sectors

MIGRATIONS = Path(__file__).parents[1] / "services" / "directory" / "migrations"
COUNTRIES = "MX GT SV HN NI CR PA CO EC PE BO CL AR UY PY BR VE DO JM BB TT BZ HT CU".split()
MARKETS = [
    "US",
    "CA",
    "DE",
    "ES",
    "FR",
    "GB",
    "CN",
    "JP",
    "europe",
    "asia",
    "caribbean",
    "central_america",
    "south_america",
]
PREFIXES_ES = [
    "Exportadora",
    "Comercializadora",
    "Industrias",
    "Cooperativa",
    "Productos",
    "Grupo",
    "Talleres",
    "Agroindustrias",
]
PLACES = [
    "del Sur",
    "Andina",
    "del Pacífico",
    "Caribeña",
    "del Valle",
    "Austral",
    "de la Montaña",
    "Tropical",
    "del Lago",
    "Central",
]
WORDS = (
    "calidad orgánico artesanal sostenible certificado comercio justo premium tradicional innovador "
    "diseño exportación familiar regional natural fresh handmade organic premium quality sustainable"
).split()
CERTS = [
    "ISO 9001",
    "HACCP",
    "Orgánico UE",
    "USDA Organic",
    "Fairtrade",
    "BPM",
    "GlobalG.A.P.",
    "Rainforest Alliance",
]


def organization(rng: random.Random, i: int) -> OrganizationIn:
    children = [s for s in sectors().values() if s.parent]
    picked = rng.sample(children, k=rng.choice((1, 1, 2)))
    first = picked[0]
    chapter = rng.choice(first.hs_chapters) if first.hs_chapters else None
    products = []
    if chapter:
        products.append(
            {
                "hs_code": chapter + f"{rng.randint(1, 99):02}",
                "description_es": first.name_es,
                "description_en": first.name_en,
            }
        )
    name = f"{rng.choice(PREFIXES_ES)} {first.name_es.split(' ')[0]} {rng.choice(PLACES)} {i}"
    flavour = " ".join(rng.sample(WORDS, 4))
    return OrganizationIn.model_validate(
        {
            "kind": "sme"
            if rng.random() < 0.9
            else rng.choice(["consortium", "agency", "business_association"]),
            "name": name,
            "country": rng.choice(COUNTRIES),
            "description": f"{first.name_es}: {flavour}. Empresa {rng.choice(PLACES)} con {rng.randint(1, 30)} años.",
            "description_en": f"{first.name_en}, {flavour}.",
            "sectors": [s.code for s in picked],
            "products": products,
            "value_chain_role": rng.choice(
                ["producer", "processor", "input_supplier", "services_logistics", "trading"]
            ),
            "employees": int(rng.lognormvariate(3, 1.2)),
            "export_status": rng.choice(["none", "occasional", "regular"]),
            "target_markets": rng.sample(MARKETS, k=rng.randint(0, 3)),
            "certifications": rng.sample(CERTS, k=rng.randint(0, 2)),
            "languages": ["es"] + (["en"] if rng.random() < 0.5 else []),
            "offers": f"Ofrecemos {first.name_es.lower()} {rng.choice(WORDS)}",
            "seeks": f"Buscamos socios en {rng.choice(MARKETS)}",
        }
    )


@asynccontextmanager
async def throwaway_database(
    prefix: str = "helper_profiles_bench", *, name: str | None = None, keep: bool = False
) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A PostgreSQL database with directory's schema (migrated up to the newest revision).

    By default a fresh one, dropped afterwards whatever happens. ``name`` reuses (or creates) that
    database and keeps it, as ``keep`` keeps a fresh one: populate once, then iterate on queries.
    """
    base = make_url(PG_BASE_URL)
    keep = keep or name is not None
    name = name or f"{prefix}_{uuid.uuid4().hex[:8]}"
    connect = {"user": base.username, "host": base.host, "port": base.port or 5432, "password": base.password}
    admin = await asyncpg.connect(database=base.database, **connect)
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await upgrade(engine, MIGRATIONS)
        yield engine, name
    finally:
        await engine.dispose()
        if not keep:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

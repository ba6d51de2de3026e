"""Broad searches on PostgreSQL count their facets over a random eighth of the matches, and say so."""

from __future__ import annotations

import importlib.util
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from shared.auth import Principal
from tests.directory.profile_helpers import sme


def _in_sample(organization_id: str) -> bool:
    """Bucket 0: the id's first three bits are zero (migration 0009)."""
    return uuid.UUID(organization_id).bytes[0] >> 5 == 0


async def _import(client, signing_keys, rows):  # type: ignore[no-untyped-def]
    admin = signing_keys.issuer.access_token(Principal(user_id=uuid.uuid4(), roles=frozenset({"admin"})))
    response = await client.post(
        "/organizations/import", json={"organizations": rows}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 200, response.text
    return response.json()["ids"]


async def test_a_broad_search_estimates_its_counts_from_the_sample_and_a_narrow_one_counts_exactly(
    make_directory, database_url, signing_keys
):  # type: ignore[no-untyped-def]
    async with make_directory(search_exact_counts_up_to=40) as client:
        countries = ["EC", "PE", "CO"]
        rows = [
            sme(name=f"Quinua {'Real' if i < 4 else 'Andina'} {i}", country=countries[i % 3], tax_id=f"Q-{i}")
            for i in range(240)
        ]
        ids = await _import(client, signing_keys, rows)
        broad = (await client.get("/organizations/search", params={"q": "quinua"})).json()
        # Four matches: the sample cannot hold more than its limit of 5, so they are counted exactly.
        narrow = (await client.get("/organizations/search", params={"q": "quinua real"})).json()

    if not database_url.startswith("postgresql"):
        # The embedded default always counts exactly.
        assert broad["exact_counts"] is True and broad["total"] == 240
        return
    sampled = [(i, row) for i, row in zip(ids, rows, strict=True) if _in_sample(i)]
    assert 5 < len(sampled) < 240  # about 30: above the sample's limit of 40 / 8
    assert broad["exact_counts"] is False
    assert broad["total"] == 8 * len(sampled)
    assert broad["facets"]["country"] == {
        c: 8 * n for c, n in Counter(row["country"] for _, row in sampled).most_common()
    }
    assert broad["facets"]["kind"] == {"sme": 8 * len(sampled)}
    # The page itself is never estimated: ranked over every match.
    assert len(broad["items"]) == 20 and broad["next_cursor"] is not None
    assert narrow["exact_counts"] is True
    assert narrow["total"] == 4 and narrow["facets"]["country"] == {"EC": 2, "PE": 1, "CO": 1}


async def test_migrations_0009_and_0010_write_the_rows_the_use_cases_write(
    directory, signing_keys, database_url
):  # type: ignore[no-untyped-def]
    """An upgraded database's search rows come from the migrations' frozen copies of the use cases'
    SQL (0009 rebuilds the vectors, 0010 adds name words and the rank key): they must agree."""
    if not database_url.startswith("postgresql"):
        return
    await _import(
        directory,
        signing_keys,
        [
            sme(sectors=["cacao", "textiles"], acronym="CACTEX"),
            sme(sectors=["agroindustry"]),
            sme(sectors=[], target_markets=[]),
        ],
    )
    engine = directory.app.state.runtime.engine
    read = text("SELECT id, search_vector::text, rank_key FROM organization_search")
    async with engine.begin() as conn:
        before = {row.id: (row.search_vector, row.rank_key) for row in (await conn.execute(read)).all()}
        await conn.execute(text("UPDATE organization_search SET rank_key = 0"))
        await conn.execute(
            text(_migration("0009_search_buckets_families")._vectors(buckets_and_families=True))
        )
        for statement in _migration("0010_search_name_rank").rebuild():
            await conn.execute(text(statement))
        after = {row.id: (row.search_vector, row.rank_key) for row in (await conn.execute(read)).all()}
    assert len(before) == 3 and after == before
    vectors = [v for v, _ in before.values()]
    assert all("'bucket:" in v for v in vectors)
    assert sum("'sector:agroindustry'" in v for v in vectors) == 2  # a cacao row carries its family
    assert sum("'n:cactex'" in v for v in vectors) == 1  # the acronym is a name word
    assert all(101 <= key <= 201 for _, key in before.values())  # pending: 101 + 100 - completeness
    async with engine.connect() as conn:
        options = (
            await conn.execute(
                text("SELECT reloptions FROM pg_class WHERE relname = 'ix_organization_search_vector'")
            )
        ).scalar_one()
    assert options == ["gin_pending_list_limit=256"]  # every search reads the pending entries


def _migration(name: str):  # type: ignore[no-untyped-def]
    path = Path(__file__).parents[2] / "services/directory/migrations/versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

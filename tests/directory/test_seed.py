"""The 2015 seed: loaded through the use cases at start-up, idempotent, participants' contacts members-only."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from services.directory.models import Document, FinancingProgramme, Organization, Participant, outbox
from services.directory.seed.loader import load_seed
from tests.directory.profile_helpers import member

SEED = Path(__file__).parents[2] / "services" / "directory" / "seed"


async def _counts(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with runtime.session() as session:
        return {
            name: (await session.execute(select(func.count()).select_from(table))).scalar_one()
            for name, table in {
                "organizations": Organization,
                "financing": FinancingProgramme,
                "documents": Document,
                "participants": Participant,
                "outbox": outbox,
            }.items()
        }


async def test_the_seed_loads_once_through_the_use_cases_and_a_second_load_changes_nothing(
    make_directory, signing_keys
):
    async with make_directory(seed_on_start=True) as client:
        runtime = client.app.state.runtime
        first = await _counts(runtime)
        expected = {
            "organizations": len(json.loads((SEED / "organizations.json").read_text())),
            "financing": len(json.loads((SEED / "financing_programmes.json").read_text())),
            "documents": 22,
            "participants": len(json.loads((SEED / "people.json").read_text())["people"]),
        }
        assert {k: first[k] for k in expected} == expected
        consortia = sum(
            1 for o in json.loads((SEED / "organizations.json").read_text()) if o["kind"] == "consortium"
        )
        # One OrganizationRegistered each, and a ConsortiumCreated for each consortium.
        assert first["outbox"] == expected["organizations"] + consortia

        lines: list[str] = []
        report = await load_seed(runtime.session_factory, progress=lines.append)
        assert await _counts(runtime) == first
        assert sum(report.added.values()) == 0 and not report.refused
        assert any(line.startswith("organizations:") for line in lines)

        ctj = (await client.get("/organizations/search", params={"q": "software jalisco"})).json()["items"]
        assert [o["seed_key"] for o in ctj] == ["mx-ctj"] and ctj[0]["member_count"] == 8
        assert ctj[0]["figures"]["member_firms"]["value"] == 8
        sela = (
            await client.get("/organizations/search", params={"q": "SELA", "kind": "regional_body"})
        ).json()
        assert sela["items"][0]["country"] is None

        docs = (await client.get("/documents", params={"limit": 50})).json()["items"]
        assert [d["kind"] for d in docs].count("presentation") == 20
        assert {d["seed_key"] for d in docs if d["kind"] != "presentation"} == {
            "conclusions-2015",
            "recommendations-2015",
        }
        recommendations = (await client.get("/documents", params={"kind": "recommendations"})).json()[
            "items"
        ][0]
        assert len(recommendations["items"]) == 3 and recommendations["text_es"]
        fin = (await client.get("/financing-programmes", params={"country": "MX"})).json()["items"]
        assert "Fondo Nacional del Emprendedor" in {f["programme"] for f in fin}
        inadem = next(f for f in fin if f["programme"] == "Fondo Nacional del Emprendedor")
        assert (await client.get(f"/organizations/{inadem['institution_id']}")).json()[
            "seed_key"
        ] == "mx-inadem"

        anonymous = (await client.get("/participants")).json()
        assert anonymous["items"] == []
        signed_in = (await client.get("/participants", headers=await member(client, signing_keys))).json()
        trotman = next(p for p in signed_in["items"] if p["name"] == "Sonja S. Trotman")
        assert trotman["email"] == "strotman@bidc.org" and trotman["phone"]
        before_restart = await _counts(runtime)

    # A restart with the seed switch on loads nothing new either.
    async with make_directory(seed_on_start=True) as again:
        assert await _counts(again.app.state.runtime) == before_restart

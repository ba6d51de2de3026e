"""The seed: the meeting's categories and debates, opened with what it concluded, attributed to the
meeting; conclusions and recommendations pinned; loading it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from services.forum.seed import load_seed

DEBATES = json.loads((Path(__file__).parents[2] / "services/forum/seed/debates.json").read_text())


async def test_the_seed_is_the_meetings_debates_and_loads_once(forum):
    spaces = {s["slug"]: s for s in await forum.spaces(kind="category")}
    for slug in (
        "financing-factoring",
        "trust-governance",
        "consortium-manager",
        "logistics-supply",
        "market-access",
        "unido-methodology-training",
        "public-policy-tax",
        "sector-cosmetics",
        "sector-ict",
        "sector-agroindustry",
        "sector-handicrafts",
        "sector-furniture",
        "online-advisory",
    ):
        assert slug in spaces and not spaces[slug]["is_private"]
    meeting = await forum.ok("GET", f"/spaces/{spaces['meeting-2015']['id']}/threads")
    pinned = [t for t in meeting["items"] if t["pinned"]]
    assert {t["title"] for t in pinned} == {"Conclusiones", "Recomendaciones"}
    conclusions = await forum.ok(
        "GET", f"/threads/{pinned[0]['id'] if pinned[0]['title'] == 'Conclusiones' else pinned[1]['id']}"
    )
    opening = conclusions["items"][0]
    assert (
        opening["author"] is None
        and "Reunión Regional sobre Consorcios de Exportación" in opening["attributed_to"]
    )
    assert "<ol" in opening["body_html"] and "20." not in opening["body_html"]  # a real list of the 20

    debate = next(d for d in DEBATES if d["id"] == "overcoming-mistrust")
    threads = await forum.ok("GET", f"/spaces/{spaces['trust-governance']['id']}/threads")
    seeded = next(t for t in threads["items"] if t["title"] == debate["title_es"])
    assert seeded["title_en"] == debate["title_en"] and seeded["attributed_to"]
    first = (await forum.ok("GET", f"/threads/{seeded['id']}"))["items"][0]
    assert (
        "Lo que concluyó la reunión" in first["body_html"]
        and "What the meeting concluded" in first["body_html"]
    )

    runtime = forum.app.state.runtime
    async with runtime.session() as session:
        report = await load_seed(forum.settings, session=session)
    assert (report.categories, report.threads) == (0, 0)
    assert len(await forum.events("thread.created")) >= len(DEBATES) + 2

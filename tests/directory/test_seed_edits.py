"""Edits of the seed file reach rows loaded before: through the update use case, once, and only the
fields the curators changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from services.directory import service
from services.directory.models import Document, Organization, outbox
from services.directory.schemas import OrganizationPatch
from services.directory.seed.loader import SEED_DIR, load_seed
from shared.events.directory import OrganizationUpdated

CTJ = "mx-ctj"  # a seeded consortium


def _copy_seed(tmp_path: Path) -> Path:
    for source in SEED_DIR.glob("*.json"):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


def _edit(seed_dir: Path, name: str, key: str, change: dict[str, Any]) -> None:
    path = seed_dir / name
    rows = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in rows if r["id"] == key).update(change)
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


async def _outbox(factory) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    async with factory() as session:
        rows = (await session.execute(select(outbox.c.type, outbox.c.payload).order_by(outbox.c.seq))).all()
    return [(t, json.loads(p)["data"]) for t, p in rows]


async def _organization(factory, seed_key: str) -> Organization:  # type: ignore[no-untyped-def]
    async with factory() as session:
        query = select(Organization).where(Organization.seed_key == seed_key)
        return (await session.execute(query)).scalar_one()


async def test_an_edited_seed_row_is_applied_through_the_update_use_case_once(directory, tmp_path):
    factory = directory.app.state.runtime.session_factory
    seed = _copy_seed(tmp_path)
    await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    before = await _outbox(factory)
    figures = {"member_firms": {"value": 9, "unit": "count", "as_stated": "9 empresas", "source": "¶ 26"}}
    _edit(
        seed,
        "organizations.json",
        CTJ,
        {"member_count": 9, "description_en": "Nine IT firms.", "figures": figures},
    )
    _edit(seed, "documents.json", "sp-rrce-di-01-15", {"title_en": "Opening remarks"})

    report = await load_seed(factory, progress=lambda _: None, seed_dir=seed)

    assert sum(report.added.values()) == 0 and not report.refused
    assert report.updated["organizations"] == 1 and report.updated["documents"] == 1
    assert report.updated["financing_programmes"] == report.updated["participants"] == 0
    ctj = await _organization(factory, CTJ)
    assert (ctj.member_count, ctj.description_en, ctj.figures) == (9, "Nine IT firms.", figures)
    new = (await _outbox(factory))[len(before) :]
    assert [t for t, _ in new] == [OrganizationUpdated.spec.type]
    assert new[0][1]["organization_id"] == str(ctj.id)
    assert (new[0][1]["member_count"], new[0][1]["description_en"]) == (9, "Nine IT firms.")
    async with factory() as session:
        title = (
            await session.execute(select(Document.title_en).where(Document.seed_key == "sp-rrce-di-01-15"))
        ).scalar_one()
    assert title == "Opening remarks"

    # The same file again: nothing changes and nothing is announced.
    again = await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    assert sum(again.updated.values()) == sum(again.added.values()) == 0
    assert len(await _outbox(factory)) == len(before) + 1


async def test_reloading_keeps_what_managers_edited_where_the_seed_did_not_change(directory, tmp_path):
    factory = directory.app.state.runtime.session_factory
    seed = _copy_seed(tmp_path)
    await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    ctj = await _organization(factory, CTJ)
    async with factory() as session, session.begin():
        edit = OrganizationPatch(
            employees=120, offers="Desarrollo a la medida", description_en="Edited by us."
        )
        await service.update_organization(ctj.id, edit, session=session, actor=None)
    events = len(await _outbox(factory))

    # An unchanged seed leaves the managers' edits alone, even where they differ from the seed.
    report = await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    assert report.updated["organizations"] == 0 and len(await _outbox(factory)) == events

    # The curators change the name and the description: those two apply, the rest stays.
    _edit(
        seed, "organizations.json", CTJ, {"name": "Consorcio Xilófono TI", "description_en": "From the seed."}
    )
    report = await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    assert report.updated["organizations"] == 1
    ctj = await _organization(factory, CTJ)
    assert (ctj.name, ctj.description_en) == ("Consorcio Xilófono TI", "From the seed.")
    assert (ctj.employees, ctj.offers, ctj.size_class) == (120, "Desarrollo a la medida", "medium")
    found = (await directory.get("/organizations/search", params={"q": "xilofono"})).json()
    assert [o["seed_key"] for o in found["items"]] == [CTJ]


async def test_rows_seeded_before_seed_values_were_kept_are_not_rewritten_by_an_unchanged_seed(
    directory, tmp_path
):
    factory = directory.app.state.runtime.session_factory
    seed = _copy_seed(tmp_path)
    await load_seed(factory, progress=lambda _: None, seed_dir=seed)
    async with factory() as session, session.begin():
        await session.execute(update(Organization).values(seed_values=None))
    events = len(await _outbox(factory))

    report = await load_seed(factory, progress=lambda _: None, seed_dir=seed)

    assert report.updated["organizations"] == 0 and len(await _outbox(factory)) == events
    # Their baseline is the row itself, so an edit of the file still applies.
    _edit(seed, "organizations.json", CTJ, {"member_count": 10})
    assert (await load_seed(factory, progress=lambda _: None, seed_dir=seed)).updated["organizations"] == 1
    async with factory() as session:
        counted = select(func.count()).select_from(outbox)
        assert (await session.execute(counted)).scalar_one() == events + 1

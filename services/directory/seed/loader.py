"""Load the curated 2015 seed through directory's own use cases, so its events reach every service.

Idempotent: every row carries its seed id as ``seed_key``. A row not loaded yet is added; a row
loaded before is brought in step with the file when the curators edited it since — organizations
through ``update_organization`` (only the fields the seed changed, see organization_rows.py),
financing programmes, documents and participants (written by the seed only) in place. Loading an
unchanged seed again writes nothing and records no event.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.directory import knowledge
from services.directory.models import Document, FinancingProgramme, Participant
from services.directory.reference import load_countries
from services.directory.seed import organization_rows
from shared.db import unit_of_work
from shared.errors import DomainError

log = logging.getLogger(__name__)
SEED_DIR = Path(__file__).parent
Progress = Callable[[str], None]


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # already there and unchanged
    refused: list[str] = field(default_factory=list)


def read(name: str, seed_dir: Path = SEED_DIR) -> Any:
    return json.loads((seed_dir / name).read_text(encoding="utf-8"))


async def load_seed(
    factory: async_sessionmaker[AsyncSession], progress: Progress = log.info, *, seed_dir: Path = SEED_DIR
) -> SeedReport:
    report = SeedReport()
    async with unit_of_work(factory) as session:
        await load_countries(session=session)
    progress(
        f"countries: {len(read('countries.json', seed_dir))} named by the report, all ISO 3166 countries present"
    )

    rows = read("organizations.json", seed_dir)
    known: dict[str, Any] = {}  # seed id -> organization id, for the rows that refer to organizations
    async with unit_of_work(factory) as session:
        stored = await organization_rows.seeded(session)
        added = updated = 0
        for i, row in enumerate(rows, start=1):
            try:
                if (org := stored.get(row["id"])) is None:
                    org = await organization_rows.register(session, row)
                    added += 1
                elif await organization_rows.reapply(session, org, row):
                    updated += 1
                known[row["id"]] = org.id
            except DomainError as exc:
                report.refused.append(f"{row['id']}: {exc.code} {exc.message}")
                if org is not None:
                    known[row["id"]] = org.id
            if i % 20 == 0 or i == len(rows):
                progress(f"organizations: {i}/{len(rows)} read, {added} added, {updated} updated")
    _count(report, "organizations", len(rows), added, updated)

    await _load(
        factory,
        report,
        progress,
        read("financing_programmes.json", seed_dir),
        FinancingProgramme,
        known,
        _programme,
        knowledge.add_financing_programme,
    )
    await _load(
        factory,
        report,
        progress,
        read("documents.json", seed_dir),
        Document,
        known,
        _document,
        knowledge.add_document,
    )
    people = read("people.json", seed_dir)
    members_only = people.get("visibility") == "members_only"
    await _load(
        factory,
        report,
        progress,
        people["people"],
        Participant,
        known,
        lambda row, orgs, i: _participant(row, orgs, members_only),
        knowledge.add_participant,
    )
    for line in report.refused:
        progress(f"refused {line}")
    return report


def _count(report: SeedReport, label: str, read_rows: int, added: int, updated: int) -> None:
    report.added[label], report.updated[label] = added, updated
    report.skipped[label] = read_rows - added - updated


async def _load(factory, report, progress, rows, model, orgs, shape, add) -> None:  # type: ignore[no-untyped-def]
    label = model.__tablename__
    async with unit_of_work(factory) as session:
        stored = await knowledge.seeded(model, session=session)
        added = updated = 0
        for i, row in enumerate(rows):
            values = shape(row, orgs, i)
            if (existing := stored.get(row["id"])) is None:
                await add(values, session=session)
                added += 1
            elif await knowledge.update_seeded(existing, values, session=session):
                updated += 1
    _count(report, label, len(rows), added, updated)
    progress(f"{label}: {len(rows)} read, {added} added, {updated} updated")


def _programme(row: dict[str, Any], orgs: dict[str, Any], _: int) -> dict[str, Any]:
    keep = (
        "programme",
        "country",
        "instrument",
        "eligible_es",
        "eligible_en",
        "description_es",
        "description_en",
        "link",
        "source",
        "notes",
    )
    return {k: row[k] for k in keep} | {
        "instrument_inferred": bool(row["instrument_inferred"]),
        "institution_id": orgs.get(row["institution"]) if row["institution"] else None,
        "seed_key": row["id"],
    }


def _document(row: dict[str, Any], orgs: dict[str, Any], position: int) -> dict[str, Any]:
    kind = {"conclusions-2015": "conclusions", "recommendations-2015": "recommendations"}.get(
        row["id"], "presentation"
    )
    keep = (
        "symbol",
        "title",
        "presenter",
        "presenter_role",
        "country",
        "session",
        "summary_es",
        "summary_en",
        "source",
    )
    return {k: row.get(k) for k in keep} | {
        "kind": kind,
        "title_en": row.get("title_en") or "",
        "summary_es": row.get("summary_es") or "",
        "summary_en": row.get("summary_en") or "",
        "text_es": row.get("text_es") or "",
        "text_en": row.get("text_en") or "",
        "items": row.get("items") or [],
        "organization_id": orgs.get(row["organization"]) if row.get("organization") else None,
        "position": position,
        "seed_key": row["id"],
    }


def _participant(row: dict[str, Any], orgs: dict[str, Any], members_only: bool) -> dict[str, Any]:
    keep = ("name", "role", "country", "email", "phone", "source", "notes")
    return {k: row.get(k) for k in keep} | {
        "other_emails": row.get("other_emails") or [],
        "in_participant_list": bool(row.get("in_participant_list", True)),
        "organization_id": orgs.get(row["organization"]) if row.get("organization") else None,
        "members_only": members_only,
        "seed_key": row["id"],
    }

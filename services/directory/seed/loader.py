"""Load the curated 2015 seed through directory's own use cases, so its events reach every service.

Idempotent: every row carries its seed id as ``seed_key``; a row already loaded is left alone (its
managers may have edited it since), so a second load writes nothing and records no event.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.directory import knowledge, service
from services.directory.models import Document, FinancingProgramme, Organization, Participant, outbox
from services.directory.reference import load_countries
from services.directory.schemas import OrganizationIn
from shared.db import unit_of_work
from shared.errors import DomainError
from shared.events.directory import ConsortiumCreated
from shared.outbox import record

log = logging.getLogger(__name__)
SEED_DIR = Path(__file__).parent
Progress = Callable[[str], None]


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def read(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _organization_in(row: dict[str, Any]) -> OrganizationIn:
    return OrganizationIn.model_validate(
        {
            "kind": row["kind"],
            "name": row["name"],
            "country": row["country"],
            "acronym": row["acronym"],
            "description": row["description_es"] or "",
            "description_en": row["description_en"] or "",
            "sectors": row["sectors"],
            "products": [
                {
                    "hs_code": p["hs_code"],
                    "description_es": p["description_es"],
                    "description_en": p["description_en"],
                }
                for p in row["products"]
            ],
            "target_markets": row["target_markets"],
            "member_count": row["member_count"],
            "founded_year": row["founded_year"],
            "website": row["website"],
        }
    )


async def _keys(session: AsyncSession, model: type) -> dict[str, Any]:
    rows = await session.execute(select(model.seed_key, model.id).where(model.seed_key.is_not(None)))
    return dict(rows.all())


async def load_seed(factory: async_sessionmaker[AsyncSession], progress: Progress = log.info) -> SeedReport:
    report = SeedReport()
    async with unit_of_work(factory) as session:
        await load_countries(session=session)
    progress(f"countries: {len(read('countries.json'))} named by the report, all ISO 3166 countries present")

    rows = read("organizations.json")
    async with unit_of_work(factory) as session:
        known = await _keys(session, Organization)
        added = 0
        for i, row in enumerate(rows, start=1):
            if row["id"] not in known:
                try:
                    # Every check runs before anything is added: a refused row leaves the transaction clean.
                    org = await service.register_organization(
                        _organization_in(row),
                        session=session,
                        actor=None,
                        seed_key=row["id"],
                        figures=row["figures"],
                    )
                    if org.kind == "consortium":
                        await _announce_consortium(session, org)
                    known[row["id"]] = org.id
                    added += 1
                except DomainError as exc:
                    report.refused.append(f"{row['id']}: {exc.code} {exc.message}")
            if i % 20 == 0 or i == len(rows):
                progress(f"organizations: {i}/{len(rows)} read, {added} added")
    report.added["organizations"], report.skipped["organizations"] = added, len(rows) - added

    await _load(
        factory,
        report,
        progress,
        "financing_programmes.json",
        FinancingProgramme,
        known,
        _programme,
        knowledge.add_financing_programme,
    )
    await _load(
        factory, report, progress, "documents.json", Document, known, _document, knowledge.add_document
    )
    people = read("people.json")
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


async def _load(factory, report, progress, source, model, orgs, shape, add) -> None:  # type: ignore[no-untyped-def]
    rows = read(source) if isinstance(source, str) else source
    label = model.__tablename__
    async with unit_of_work(factory) as session:
        known = await knowledge.seeded(model, session=session)
        added = 0
        for i, row in enumerate(rows):
            if row["id"] not in known:
                await add(shape(row, orgs, i), session=session)
                added += 1
    report.added[label], report.skipped[label] = added, len(rows) - added
    progress(f"{label}: {len(rows)} read, {added} added")


async def _announce_consortium(session: AsyncSession, org: Organization) -> None:
    """A seeded consortium is announced as one created by hand is (consortia.service), with no manager:
    nobody has claimed it yet."""
    created = ConsortiumCreated(
        consortium_id=org.id, name=org.name, country=org.country or "", manager_user_id=None
    )
    await record(session, outbox, created, subject=str(org.id))


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

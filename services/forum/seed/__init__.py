"""The forum's seed: the meeting's categories, its debates opened with what it concluded, and its
conclusions and recommendations pinned. Idempotent (keyed by slug and seed key): run it any number
of times, at start-up (CONSORCIA_FORUM_SEED_ON_START) or as `python -m services.forum.seed`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.forum.config import ForumSettings
from services.forum.models import Space, Thread
from services.forum.service.posts import Author
from services.forum.service.spaces import ensure_category
from services.forum.service.threads import open_thread

HERE = Path(__file__).parent


@dataclass
class SeedReport:
    categories: int = 0
    threads: int = 0


def _debate_body(debate: dict) -> str:
    return (
        f"**Lo que concluyó la reunión.** {debate['opening_es']}\n\n---\n\n"
        f"**What the meeting concluded.** {debate['opening_en']}\n\n"
        f"*Fuente / Source: relatoría de la reunión, {debate['source']}.*"
    )


def _document_body(doc: dict) -> str:
    es = "\n".join(f"{i['number']}. {i['text_es']}" for i in doc["items"])
    en = "\n".join(f"{i['number']}. {i['text_en']}" for i in doc["items"])
    return (
        f"{doc['summary_es']}\n\n{es}\n\n---\n\n**{doc['title_en']}.** {doc['summary_en']}\n\n{en}\n\n"
        f"*Fuente / Source: relatoría de la reunión, {doc['source']}.*"
    )


async def load_seed(settings: ForumSettings, *, session: AsyncSession) -> SeedReport:
    meta = json.loads((HERE / "categories.json").read_text())
    debates = json.loads((HERE / "debates.json").read_text())
    report = SeedReport()
    spaces: dict[str, Space] = {}
    for c in meta["categories"]:
        space, created = await ensure_category(
            c["slug"],
            name_es=c["name_es"],
            name_en=c["name_en"],
            description_es=c["description_es"],
            description_en=c["description_en"],
            position=c["position"],
            session=session,
        )
        spaces[c["slug"]] = space
        report.categories += created
    existing = set(
        (await session.execute(select(Thread.seed_key).where(Thread.seed_key.is_not(None)))).scalars()
    )
    attribution = meta["attribution_es"]
    for doc in meta["pinned"]:
        key = f"meeting-2015:{doc['id']}"
        if key not in existing:
            await open_thread(
                spaces[doc["category"]],
                Author(None),
                doc["title"],
                _document_body(doc),
                settings=settings,
                session=session,
                title_en=doc["title_en"],
                attributed_to=attribution,
                seed_key=key,
                pinned=True,
            )
            report.threads += 1
    for debate in debates:
        key = f"debate:{debate['id']}"
        if key not in existing:
            await open_thread(
                spaces[debate["category"]],
                Author(None),
                debate["title_es"],
                _debate_body(debate),
                settings=settings,
                session=session,
                title_en=debate["title_en"],
                attributed_to=attribution,
                seed_key=key,
            )
            report.threads += 1
    return report

"""Several matching replicas share one read model: each candidate index catches up with what the
others applied (new and changed profiles, deletions) before it computes anything."""

from __future__ import annotations

import uuid
from pathlib import Path

from services.matching.config import MatchingSettings
from services.matching.matcher import Matcher
from services.matching.service import project_organization, remove_organization
from shared.db import create_engine, create_session_factory, unit_of_work
from shared.events.directory import OrganizationUpdated
from shared.migrations import upgrade
from tests.matching.conftest import sme

MIGRATIONS = Path(__file__).parents[2] / "services" / "matching" / "migrations"


async def test_a_replica_index_follows_profiles_and_deletions_applied_by_another(database_url):
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        factory = create_session_factory(engine)
        settings = MatchingSettings(database_url=database_url)
        first, second = Matcher(settings), Matcher(settings)
        async with unit_of_work(factory) as session:
            await first.load(session)
            await second.load(session)
        org = sme("Cacao Uno", sectors=["cacao"], products=[{"hs_code": "180100", "description": "cacao"}])
        async with unit_of_work(factory) as session:
            await project_organization(org, event_id=str(uuid.uuid4()), session=session, matcher=first)
        async with unit_of_work(factory) as session:
            assert await second.catch_up(session) == 1
            assert await second.catch_up(session) == 0  # nothing new: nothing re-applied
        assert second.index.get(org.organization_id).markets == frozenset({"DE", "NL"})

        changed = OrganizationUpdated(**(org.model_dump() | {"target_markets": ["JP"]}))
        async with unit_of_work(factory) as session:
            await project_organization(changed, event_id=str(uuid.uuid4()), session=session, matcher=first)
        async with unit_of_work(factory) as session:
            await second.catch_up(session)
        assert second.index.get(org.organization_id).markets == frozenset({"JP"})

        async with unit_of_work(factory) as session:
            await remove_organization(org.organization_id, session=session, matcher=first)
        async with unit_of_work(factory) as session:
            await second.catch_up(session)
        assert second.index.get(org.organization_id) is None and len(second.index) == 0
    finally:
        await engine.dispose()

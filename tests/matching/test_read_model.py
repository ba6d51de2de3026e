"""The read model follows directory's events (consortia, memberships, managers, deletions) and a rebuild
by replaying directory's stream reproduces it exactly, leaving the live consumer's bookkeeping alone."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from services.matching.models import OrganizationProjection, processed_events
from services.matching.rebuild import rebuild
from services.matching.service.projection import read_model
from shared.events.directory import (
    ConsortiumCreated,
    MemberJoined,
    MemberLeft,
    OrganizationDeleted,
    OrganizationManagerAdded,
    OrganizationRegistered,
    OrganizationUpdated,
)
from tests.infra import eventually
from tests.matching.conftest import sme


def consortium(name: str, country: str, sectors: list[str]) -> OrganizationRegistered:
    return OrganizationRegistered(
        organization_id=uuid.uuid4(),
        name=name,
        kind="consortium",
        country=country,
        sectors=sectors,
        target_markets=["DE", "US"],
    )


async def test_consortia_pool_their_members_across_countries_and_rebuild_reproduces_the_read_model(matching):
    ec = consortium("Consorcio Cacao Ecuador", "EC", ["cacao"])
    pe = consortium("Consorcio Chocolate Perú", "PE", ["cacao"])
    manager = uuid.uuid4()
    await matching.publish(
        ConsortiumCreated(
            consortium_id=ec.organization_id, name=ec.name, country="EC", manager_user_id=manager
        )
    )
    for c in (ec, pe):
        await matching.register(c)
    grower = sme(
        "Finca Cacao", sectors=["cacao"], products=[{"hs_code": "180100", "description": "cacao en grano"}]
    )
    maker = sme(
        "Chocolates Lima",
        "PE",
        sectors=["cacao"],
        products=[{"hs_code": "180632", "description": "chocolate"}],
    )
    gone = sme("Se Fue", sectors=["cacao"], products=[{"hs_code": "180500", "description": "cacao en polvo"}])
    for org in (grower, maker, gone):
        await matching.register(org, manager=uuid.uuid4())
    await matching.publish(
        MemberJoined(consortium_id=ec.organization_id, organization_id=grower.organization_id)
    )
    await matching.publish(
        MemberJoined(consortium_id=pe.organization_id, organization_id=maker.organization_id)
    )
    await matching.publish(
        MemberJoined(consortium_id=ec.organization_id, organization_id=gone.organization_id)
    )
    await matching.publish(MemberLeft(consortium_id=ec.organization_id, organization_id=gone.organization_id))
    await matching.publish(OrganizationUpdated(**(grower.model_dump() | {"offers": "cacao fino de aroma"})))
    await matching.publish(OrganizationDeleted(organization_id=gone.organization_id))
    await matching.publish(OrganizationManagerAdded(organization_id=ec.organization_id, user_id=uuid.uuid4()))

    async def settled():  # type: ignore[no-untyped-def]
        r = await matching.client.get(f"/read-model/organizations/{gone.organization_id}")
        inter = await matching.matches(ec.organization_id, type="inter_consortium")
        return r.status_code == 404 and inter["items"]

    inter = await eventually(settled)
    link = inter[0]
    assert link["counterpart_id"] == str(pe.organization_id)
    assert any("Ecuador" in r and "Peru" in r for r in link["reasons_en"])
    assert any("Perú" in r for r in link["reasons_es"])

    runtime = matching.app.state.runtime
    async with runtime.session() as session:
        before = await read_model(session)
        processed_before = (
            await session.execute(select(func.count()).select_from(processed_events))
        ).scalar_one()
        assert len(before["memberships"]) == 2 and len(before["organizations"]) == 4
        assert (str(ec.organization_id), str(manager), "manager") in before["managers"]
        # Damage the model: a rebuild starts from nothing, so nothing of this survives.
        await session.delete(await session.get(OrganizationProjection, grower.organization_id))

    stats = await rebuild(matching.settings, idle_timeout_s=5)
    assert stats["events"] >= 15 and stats["applied"] == stats["events"]
    async with runtime.session() as session:
        assert await read_model(session) == before
        processed_after = (
            await session.execute(select(func.count()).select_from(processed_events))
        ).scalar_one()
    assert processed_after == processed_before


async def test_formation_is_for_consortium_managers_and_agency_officers(matching):
    codes = ["180100", "180200", "180310", "180400", "180500", "180632", "081340", "200799"]  # 8 headings
    ids = []
    for i, code in enumerate(codes):
        org = sme(
            f"Agro {i}", sectors=["cacao"], products=[{"hs_code": code, "description": f"producto {code}"}]
        )
        ids.append(str(await matching.register(org)))
    body = {"sector": "agroindustry", "country": "EC"}
    member = await matching.client.post(
        "/formations", json=body, headers=matching.auth(uuid.uuid4(), "member")
    )
    assert member.status_code == 403 and member.json()["error"]["code"] == "forbidden"
    anonymous = await matching.client.post("/formations", json=body)
    assert anonymous.status_code == 401
    officer = matching.auth(uuid.uuid4(), "agency_officer")
    r = await matching.client.post("/formations", json={"organization_ids": ids}, headers=officer)
    assert r.status_code == 201, r.text
    proposal = r.json()
    assert len(proposal["groups"]) == 1 and len(proposal["groups"][0]["members"]) == 8
    assert all(m["explanation_es"] and m["explanation_en"] for m in proposal["groups"][0]["members"])
    again = await matching.client.get(f"/formations/{proposal['id']}", headers=officer)
    assert again.json()["groups"] == proposal["groups"]
    small = await matching.client.post("/formations", json={"organization_ids": ids[:3]}, headers=officer)
    assert small.status_code == 422 and small.json()["error"]["code"] == "pool_too_small"
    unknown = await matching.client.post("/formations", json={"sector": "nope"}, headers=officer)
    assert unknown.json()["error"]["code"] == "unknown_sector"
    assert len(await matching.outbox_events("formation.proposed")) == 1

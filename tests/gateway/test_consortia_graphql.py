"""The consortium journey and verification through GraphQL, with typed failures."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from services.directory.accounts.service import grant_roles
from tests.gateway.auth_system import GraphQL, directory_and_gateway

FAILURE = "... on Error { __typename code }"
SIGN_UP = """mutation($e: String!) { signUp(input: {email: $e, password: "correct horse battery", displayName: "P"}) {
  ... on AuthPayload { accessToken refreshToken viewer { id } } } }"""
REGISTER = """mutation($name: String!, $kind: OrganizationKind!, $country: String) {
  registerOrganization(input: {kind: $kind, name: $name, country: $country}) {
    ... on RegisterOrganizationSuccess { organization { id } } ... on Error { code } } }"""
MEMBERSHIP = "... on ConsortiumMembership { status role organization { id } consortium { name } }"


@pytest.fixture
async def api(tmp_path, nats_server, redis_server, namespace, signing_keys) -> AsyncIterator[GraphQL]:  # type: ignore[no-untyped-def]
    async with directory_and_gateway(
        tmp_path, nats_server.url, redis_server.url, namespace, signing_keys
    ) as (c, d):
        gql = GraphQL(c)
        gql.directory = d  # type: ignore[attr-defined]
        yield gql


async def person(api: GraphQL) -> dict:
    return (await api(SIGN_UP, e=f"{uuid.uuid4().hex[:8]}@example.org"))["signUp"]


async def organization(api: GraphQL, token: str, kind: str = "SME", country: str | None = "CR") -> str:
    data = await api(REGISTER, token=token, name=f"Org {uuid.uuid4().hex[:6]}", kind=kind, country=country)
    return data["registerOrganization"]["organization"]["id"]


async def test_a_manager_creates_invites_and_the_member_accepts_then_leaves(api):
    manager, owner = await person(api), await person(api)
    founder = await organization(api, manager["accessToken"])
    create = (
        """mutation($f: ID) { createConsortium(input: {name: "Cacao Caribe", country: "DO", foundingOrganizationId: $f}) {
        ... on ConsortiumCreated { consortium { id kind } } """
        + FAILURE
        + " } }"
    )
    consortium = (await api(create, token=manager["accessToken"], f=founder))["createConsortium"][
        "consortium"
    ]
    assert consortium["kind"] == "CONSORTIUM"
    cid, sme = consortium["id"], await organization(api, owner["accessToken"])

    invite = f"mutation($c: ID!, $o: ID!) {{ inviteToConsortium(consortiumId: $c, organizationId: $o) {{ {MEMBERSHIP} {FAILURE} }} }}"
    refused = (await api(invite, token=owner["accessToken"], c=cid, o=sme))["inviteToConsortium"]
    assert (refused["__typename"], refused["code"]) == ("PermissionError", "forbidden")
    invited = (await api(invite, token=manager["accessToken"], c=cid, o=sme))["inviteToConsortium"]
    assert invited["status"] == "INVITED" and invited["consortium"]["name"] == "Cacao Caribe"
    dup = (await api(invite, token=manager["accessToken"], c=cid, o=sme))["inviteToConsortium"]
    assert (dup["__typename"], dup["code"]) == ("ConflictError", "already_member")

    accept = f"mutation($c: ID!, $o: ID!) {{ acceptConsortiumInvitation(consortiumId: $c, organizationId: $o) {{ {MEMBERSHIP} {FAILURE} }} }}"
    assert (await api(accept, token=owner["accessToken"], c=cid, o=sme))["acceptConsortiumInvitation"][
        "status"
    ] == "ACTIVE"
    members = "query($c: ID!) { consortiumMembers(consortiumId: $c) { edges { node { role organization { id } } } pageInfo { hasNextPage } } }"
    edges = (await api(members, c=cid))["consortiumMembers"]["edges"]
    assert {(e["node"]["role"], e["node"]["organization"]["id"]) for e in edges} == {
        ("MANAGER", founder),
        ("MEMBER", sme),
    }
    mine = "query($o: ID!) { organizationConsortia(organizationId: $o) { edges { node { consortium { id } } } } }"
    assert (await api(mine, o=sme))["organizationConsortia"]["edges"][0]["node"]["consortium"]["id"] == cid

    leave = f"mutation($c: ID!, $o: ID!) {{ leaveConsortium(consortiumId: $c, organizationId: $o) {{ {MEMBERSHIP} {FAILURE} }} }}"
    assert (await api(leave, token=owner["accessToken"], c=cid, o=sme))["leaveConsortium"]["status"] == "LEFT"
    anonymous = (await api(leave, c=cid, o=sme))["leaveConsortium"]
    assert (anonymous["__typename"], anonymous["code"]) == ("PermissionError", "unauthenticated")


async def test_only_an_officer_of_the_country_verifies(api):
    admin, owner = await person(api), await person(api)
    async with api.directory.state.runtime.session() as db:  # type: ignore[attr-defined]
        await grant_roles(uuid.UUID(admin["viewer"]["id"]), ["admin"], session=db, by=None)
    admin_token = (
        await api(
            "mutation($t: String!) { refreshToken(refreshToken: $t) { ... on AuthPayload { accessToken } } }",
            t=admin["refreshToken"],
        )
    )["refreshToken"]["accessToken"]
    agency_mx = await organization(api, admin_token, kind="AGENCY", country="MX")
    sme = await organization(api, owner["accessToken"], country="CR")
    officer = await person(api)
    grant = (
        'mutation($u: ID!, $a: ID) { grantRoles(userId: $u, roles: ["agency_officer"], agencyId: $a) { ... on Viewer { roles agencyId } '
        + FAILURE
        + " } }"
    )
    granted = (await api(grant, token=admin_token, u=officer["viewer"]["id"], a=agency_mx))["grantRoles"]
    assert granted["agencyId"] == agency_mx and "agency_officer" in granted["roles"]
    officer_token = (
        await api(
            "mutation($t: String!) { refreshToken(refreshToken: $t) { ... on AuthPayload { accessToken } } }",
            t=officer["refreshToken"],
        )
    )["refreshToken"]["accessToken"]

    verify = (
        "mutation($o: ID!, $d: VerificationDecision!, $r: String) { verifyOrganization(organizationId: $o, decision: $d, reason: $r) { ... on Verification { status reason agency { id } } "
        + FAILURE
        + " } }"
    )
    refused = (await api(verify, token=officer_token, o=sme, d="VERIFIED"))["verifyOrganization"]
    assert (refused["__typename"], refused["code"]) == ("PermissionError", "forbidden")
    sme_mx = await organization(api, owner["accessToken"], country="MX")
    no_reason = (await api(verify, token=officer_token, o=sme_mx, d="REJECTED"))["verifyOrganization"]
    assert (no_reason["__typename"], no_reason["code"]) == ("ValidationError", "reason_required")
    verified = (await api(verify, token=officer_token, o=sme_mx, d="VERIFIED"))["verifyOrganization"]
    assert verified["status"] == "verified" and verified["agency"]["id"] == agency_mx
    badge = "query($a: ID!, $b: ID!) { a: organizationVerification(organizationId: $a) { status } b: organizationVerification(organizationId: $b) { status } }"
    assert await api(badge, a=sme_mx, b=sme) == {"a": {"status": "verified"}, "b": {"status": "pending"}}


def _batch_calls() -> float:
    from shared import metrics

    return sum(
        sample.value
        for metric in metrics.HTTP_REQUESTS.collect()
        for sample in metric.samples
        if sample.name.endswith("_count") and sample.labels.get("route") == "/consortium-memberships/batch"
    )


async def test_a_page_of_organizations_reads_their_consortia_in_one_call(api):
    manager = await person(api)
    orgs = [await organization(api, manager["accessToken"]) for _ in range(4)]
    create = 'mutation { createConsortium(input: {name: "Red Cafetera", country: "CR"}) { ... on ConsortiumCreated { consortium { id } } } }'
    cid = (await api(create, token=manager["accessToken"]))["createConsortium"]["consortium"]["id"]
    for oid in orgs[:3]:
        invite = "mutation($c: ID!, $o: ID!) { inviteToConsortium(consortiumId: $c, organizationId: $o) { __typename } }"
        await api(invite, token=manager["accessToken"], c=cid, o=oid)
        accept = "mutation($c: ID!, $o: ID!) { acceptConsortiumInvitation(consortiumId: $c, organizationId: $o) { __typename } }"
        await api(accept, token=manager["accessToken"], c=cid, o=oid)
    before = _batch_calls()
    page = await api(
        "{ organizations(first: 50) { edges { node { id consortia { status consortium { name } } } } } }"
    )
    assert _batch_calls() - before == 1
    names = {
        e["node"]["id"]: [m["consortium"]["name"] for m in e["node"]["consortia"]]
        for e in page["organizations"]["edges"]
    }
    assert [names[o] for o in orgs] == [["Red Cafetera"]] * 3 + [[]]

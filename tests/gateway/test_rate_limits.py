"""Rate limits kept in Redis: per IP for anonymous callers, per user once signed in."""

from __future__ import annotations

import uuid

from tests.gateway.conftest import gateway_client, token_for
from tests.infra import free_port

QUERY = {"query": "{ __typename }"}


async def test_an_anonymous_caller_past_its_burst_gets_rate_limited_with_retry_after(make_settings):
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_burst=3)
    async with gateway_client(settings) as client:
        passed = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        limited = await client.post("/graphql", json=QUERY)
    assert passed == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    error = limited.json()["errors"][0]
    assert error["extensions"] == {"code": "rate_limited", "retryAfter": 1, "scope": "ip"}
    assert "retry after 1 s" in error["message"]


async def test_a_signed_in_user_has_a_budget_of_their_own(make_settings, issuer):
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_user_per_minute=60, rate_limit_burst=2)
    alice = {"Authorization": f"Bearer {token_for(issuer, str(uuid.uuid4()))}"}
    bob = {"Authorization": f"Bearer {token_for(issuer, str(uuid.uuid4()))}"}
    async with gateway_client(settings) as client:
        anonymous = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
        alices = [(await client.post("/graphql", json=QUERY, headers=alice)).status_code for _ in range(3)]
        bobs = await client.post("/graphql", json=QUERY, headers=bob)
        last_alice = await client.post("/graphql", json=QUERY, headers=alice)
    assert anonymous == [200, 200, 429]
    assert alices == [200, 200, 429]
    assert bobs.status_code == 200
    assert last_alice.json()["errors"][0]["extensions"]["scope"] == "user"


async def test_a_forged_token_counts_against_the_ip_not_a_user(make_settings, keypair):
    from shared.auth import Principal, TokenIssuer, generate_keypair

    forger = TokenIssuer(generate_keypair()[0])
    forged = forger.access_token(Principal(user_id=uuid.uuid4()))
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_burst=1)
    async with gateway_client(settings) as client:
        await client.post("/graphql", json=QUERY)
        limited = await client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {forged}"})
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["extensions"]["scope"] == "ip"


async def test_replicas_share_one_budget_through_redis(make_settings):
    settings = make_settings(rate_limit_ip_per_minute=60, rate_limit_burst=2)
    async with gateway_client(settings) as first, gateway_client(settings) as second:
        assert (await first.post("/graphql", json=QUERY)).status_code == 200
        assert (await second.post("/graphql", json=QUERY)).status_code == 200
        assert (await first.post("/graphql", json=QUERY)).status_code == 429


async def test_without_redis_requests_still_pass(make_settings):
    settings = make_settings(redis_url=f"redis://127.0.0.1:{free_port()}/0", rate_limit_burst=1)
    async with gateway_client(settings) as client:
        statuses = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]

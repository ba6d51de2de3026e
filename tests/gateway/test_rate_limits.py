"""Rate limits kept in Redis: per IP for anonymous callers, per user once signed in."""

from __future__ import annotations

import time
import uuid

import redis.asyncio as aioredis

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


async def _script_calls(redis) -> int:  # type: ignore[no-untyped-def]
    stats = await redis.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval"))


async def test_a_busy_caller_reserves_requests_a_few_at_a_time(make_settings, redis_server):
    settings = make_settings(rate_limit_ip_per_minute=600_000, rate_limit_burst=10_000)
    redis = aioredis.from_url(redis_server.url)
    async with gateway_client(settings) as client:
        started = time.monotonic()
        while time.monotonic() - started < 1.05:  # one second to learn the caller's rate
            assert (await client.post("/graphql", json=QUERY)).status_code == 200
        before = await _script_calls(redis)
        # A count, not a deadline: on a slow run a deadline could leave nothing to measure.
        statuses = [(await client.post("/graphql", json=QUERY)).status_code for _ in range(40)]
        calls = await _script_calls(redis) - before
    await redis.aclose()
    assert set(statuses) == {200}
    assert calls <= len(statuses) / 4 + 1


async def test_leases_never_exceed_the_budget_and_a_refused_caller_waits_without_asking_redis(
    make_settings, redis_server
):
    settings = make_settings(rate_limit_ip_per_minute=600, rate_limit_burst=20)  # 10 a second after 20
    redis = aioredis.from_url(redis_server.url)
    async with gateway_client(settings) as client:
        started, statuses = time.monotonic(), []
        before = await _script_calls(redis)
        while time.monotonic() - started < 1.5:
            statuses.append((await client.post("/graphql", json=QUERY)).status_code)
        elapsed = time.monotonic() - started
        calls = await _script_calls(redis) - before
    await redis.aclose()
    allowed = statuses.count(200)
    assert statuses[:20] == [200] * 20
    assert allowed <= 20 + 1 + elapsed * 10
    # Refusals are answered locally until the wait Redis named is over: a call or two per refill.
    assert calls <= 20 + 3 * (1 + elapsed * 10)
    assert statuses.count(429) > calls

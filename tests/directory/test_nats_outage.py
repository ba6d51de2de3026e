"""Proof (a): with NATS stopped, registrations still succeed, and are published once it is back."""

from __future__ import annotations

import nats

from services.directory.main import build_app
from shared.messaging.jetstream import stream_config
from tests.directory.conftest import directory_settings
from tests.directory.people_helpers import bearer, sign_up
from tests.infra import NatsServer, eventually, serve_in_process


async def test_registrations_survive_a_broker_outage_and_are_published_once(
    database_url, redis_server, namespace, tmp_path, signing_keys
):
    broker = NatsServer(tmp_path / "nats-outage")
    broker.start()
    settings = directory_settings(
        database_url, broker.url, redis_server.url, namespace, jwt_public_key=signing_keys.public
    )
    try:
        app = build_app(settings)
        async with serve_in_process(app) as client:
            runtime = app.state.runtime
            await eventually(lambda: _ready(client))
            # Registering needs a signed-in user; signing up records a user event of its own.
            account = await sign_up(client)
            client.headers.update(bearer(signing_keys.issuer, account))
            before = await _register(client, "Antes del corte")
            await eventually(lambda: _drained(runtime))

            broker.stop()
            during = [await _register(client, f"Durante el corte {i}") for i in range(3)]
            assert (await client.get("/readyz")).status_code == 503
            assert await runtime.relay.pending() >= 3  # registrations also record manager events

            broker.start()
            await eventually(lambda: _drained(runtime), timeout=20)
            assert (await client.get("/readyz")).status_code == 200

        nc = await nats.connect(broker.url)
        try:
            js = nc.jetstream()
            name = stream_config(settings, "directory").name
            info = await js.stream_info(name)
            messages = [
                await js.get_msg(name, s) for s in range(info.state.first_seq, info.state.last_seq + 1)
            ]
        finally:
            await nc.close()
        messages = [m for m in messages if m.subject.endswith("organization.registered")]
        subjects = [m.headers["Nats-Msg-Id"] for m in messages]
        assert len(subjects) == len(set(subjects)) == 4
        payload_ids = {m.data.decode().split('"organization_id":"')[1][:36] for m in messages}
        assert payload_ids == {before, *during}
    finally:
        broker.stop()


async def _ready(client):  # type: ignore[no-untyped-def]
    return (await client.get("/readyz")).status_code == 200


async def _drained(runtime) -> bool:  # type: ignore[no-untyped-def]
    return await runtime.relay.pending() == 0


async def _register(client, name: str) -> str:  # type: ignore[no-untyped-def]
    response = await client.post("/organizations", json={"kind": "sme", "name": name, "country": "UY"})
    assert response.status_code == 201, response.text
    return response.json()["id"]

"""The gateway's HTTP client to the services, against a real server on a socket."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from gateway.http_pool import PooledHTTP
from tests.gateway.conftest import gateway_server
from tests.infra import free_port


def echo_service(calls: list[str]) -> FastAPI:
    app = FastAPI()

    @app.api_route("/echo/{rest:path}", methods=["GET", "POST"])
    async def echo(rest: str, request: Request) -> dict:
        calls.append(f"{request.method} /echo/{rest}")
        body = await request.body()
        return {
            "path": request.url.path,
            "query": sorted(request.query_params.multi_items()),
            "auth": request.headers.get("authorization"),
            "body": body.decode(),
        }

    @app.get("/countries")
    async def countries() -> list[dict]:
        calls.append("GET /countries")
        return [{"iso2": "CR"}]

    @app.get("/chunked")
    async def chunked() -> StreamingResponse:
        async def parts():  # type: ignore[no-untyped-def]
            for part in (b'{"a":', b" [1, 2", b", 3]}"):
                yield part

        return StreamingResponse(parts(), media_type="application/json")

    @app.get("/slow")
    async def slow() -> dict:
        await asyncio.sleep(2)
        return {}

    return app


async def test_requests_reuse_one_kept_alive_connection_and_encode_what_they_send():
    calls: list[str] = []
    async with gateway_server(echo_service(calls)) as address:
        http = PooledHTTP(f"http://{address}", 5)
        first = await http.request(
            "POST",
            "/echo/a b",
            json={"ids": ["x"]},
            params={"kind": ["sme", "agency"], "first": 2, "none": None},
            headers={"Authorization": "Bearer t"},
        )
        second = await http.request("GET", "/echo/again?lang=es", params={"q": "café & té"})
        assert len(http._idle) == 1  # one connection served both, and waits for the next
        await http.aclose()
    assert first.status_code == 200 and first.json() == {
        "path": "/echo/a b",
        "query": [["first", "2"], ["kind", "agency"], ["kind", "sme"]],
        "auth": "Bearer t",
        "body": '{"ids":["x"]}',
    }
    assert second.json()["path"] == "/echo/again"
    assert second.json()["query"] == [["lang", "es"], ["q", "café & té"]]


async def test_a_chunked_answer_is_read_whole():
    async with gateway_server(echo_service([])) as address:
        http = PooledHTTP(f"http://{address}", 5)
        assert (await http.request("GET", "/chunked")).json() == {"a": [1, 2, 3]}
        await http.aclose()


async def test_reference_lists_are_answered_from_memory_until_they_expire():
    calls: list[str] = []
    async with gateway_server(echo_service(calls)) as address:
        cached, uncached = PooledHTTP(f"http://{address}", 5), PooledHTTP(f"http://{address}", 5)
        uncached.reference_ttl_s = 0
        for http in (cached, uncached):
            for _ in range(3):
                assert (await http.request("GET", "/countries")).json() == [{"iso2": "CR"}]
            await http.aclose()
    assert calls.count("GET /countries") == 1 + 3


async def test_an_unreachable_service_and_a_slow_one_raise_transport_errors():
    with pytest.raises(httpx.ConnectError):
        await PooledHTTP(f"http://127.0.0.1:{free_port()}", 1).request("GET", "/x")
    async with gateway_server(echo_service([])) as address:
        http = PooledHTTP(f"http://{address}", 0.3)
        with pytest.raises(httpx.ReadTimeout):
            await http.request("GET", "/slow")
        assert (await http.request("GET", "/echo/after")).status_code == 200  # a fresh connection
        await http.aclose()


async def test_concurrent_requests_each_get_their_own_answer():
    async with gateway_server(echo_service([])) as address:
        http = PooledHTTP(f"http://{address}", 5, max_connections=4)
        replies = await asyncio.gather(*(http.request("GET", f"/echo/{i}") for i in range(40)))
        await http.aclose()
    assert [r.json()["path"] for r in replies] == [f"/echo/{i}" for i in range(40)]

"""A refused request says which input is wrong and why, in the message a client reads first."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Query

from shared.errors import install_error_handlers


async def test_a_validation_error_names_the_input_and_the_allowed_range():
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/things")
    async def things(limit: int = Query(default=50, ge=1, le=200)) -> list[int]:
        return list(range(limit))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/things", params={"limit": 500})
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "validation_error"
    assert error["message"] == "the request is not valid: limit: Input should be less than or equal to 200"
    assert error["details"]["fields"] == [
        {"field": "query.limit", "problem": "Input should be less than or equal to 200"}
    ]

"""Helpers for the accounts, consortia and verification tests: people, tokens, outbox rows."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from services.directory.accounts.service import grant_roles
from services.directory.models import outbox
from shared.auth import Principal, TokenIssuer

PASSWORD = "correct horse battery"


async def sign_up(client: httpx.AsyncClient, email: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "email": email or f"{uuid.uuid4().hex[:8]}@example.org",
        "password": PASSWORD,
        "display_name": "Ana",
    }
    response = await client.post("/accounts", json=body | extra)
    assert response.status_code == 201, response.text
    return response.json()


def bearer(issuer: TokenIssuer, account: dict[str, Any]) -> dict[str, str]:
    principal = Principal(user_id=uuid.UUID(account["id"]), roles=frozenset(account["roles"]))
    return {"Authorization": f"Bearer {issuer.access_token(principal)}"}


async def promote(
    client: httpx.AsyncClient, account: dict[str, Any], *roles: str, agency_id: str | None = None
) -> dict[str, Any]:
    """Grant roles through the use case (the operator's path), returning the refreshed account."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.session() as session:
        user = await grant_roles(
            uuid.UUID(account["id"]),
            list(roles),
            session=session,
            by=None,
            agency_id=uuid.UUID(agency_id) if agency_id else None,
        )
        return account | {
            "roles": list(user.roles),
            "agency_id": str(user.agency_id) if user.agency_id else None,
        }


async def register(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {"kind": "sme", "name": f"Org {uuid.uuid4().hex[:8]}", "country": "CR"} | fields
    response = await client.post("/organizations", json=body, headers=headers or {})
    assert response.status_code == 201, response.text
    return response.json()


async def outbox_events(client: httpx.AsyncClient, type_suffix: str) -> list[dict[str, Any]]:
    """Payloads of the outbox rows whose CloudEvents type contains ``type_suffix``."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.session() as session:
        rows = (await session.execute(select(outbox.c.type, outbox.c.payload).order_by(outbox.c.seq))).all()
    return [json.loads(p)["data"] for t, p in rows if type_suffix in t]

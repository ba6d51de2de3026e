"""Helpers for the organization-profile tests: a signed-in member and a full SME profile."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.directory.people_helpers import bearer, sign_up


async def member(client: httpx.AsyncClient, signing_keys) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Authorization headers of a freshly signed-up member."""
    return bearer(signing_keys.issuer, await sign_up(client))


def sme(**fields: Any) -> dict[str, Any]:
    body = {
        "kind": "sme",
        "name": f"Cacao Fino {uuid.uuid4().hex[:6]}",
        "country": "EC",
        "province": "Manabí",
        "description": "Productores de cacao fino de aroma y chocolate de origen.",
        "description_en": "Growers of fine-flavour cocoa and single-origin chocolate.",
        "sectors": ["cacao"],
        "products": [
            {"hs_code": "1801", "description_es": "Cacao en grano", "description_en": "Cocoa beans"},
            {
                "hs_code": "1806.32",
                "description_es": "Chocolate en barras",
                "description_en": "Chocolate bars",
            },
        ],
        "value_chain_role": "producer",
        "employees": 35,
        "export_status": "occasional",
        "target_markets": ["US", "europe"],
        "certifications": ["Orgánico UE", "Fairtrade"],
        "languages": ["es", "EN"],
        "offers": "Cacao fino de aroma en volúmenes de 20 toneladas.",
        "seeks": "Socios chocolateros para exportar juntos.",
        "website": "https://cacao.example.ec",
    }
    return body | fields


async def register(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post("/organizations", json=sme(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]

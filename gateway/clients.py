"""Pooled HTTP clients for the services, and their error model turned into Python exceptions."""

from __future__ import annotations

from typing import Any

from gateway.config import GatewaySettings
from gateway.http_pool import PooledHTTP
from shared.app import CORRELATION_HEADER
from shared.logging import correlation_id

SERVICES = ("directory", "matching", "forum", "notifications")


class ServiceError(Exception):
    """A service answered with its error model: an expected failure the schema may show as a typed result."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class ServiceClient:
    def __init__(self, name: str, base_url: str, timeout_s: float) -> None:
        self.name = name
        # Keep-alive pool on asyncio + httptools: httpx's was the gateway's largest cost (http_pool.py).
        self.http = PooledHTTP(base_url, timeout_s, max_connections=200)
        # Per-request headers (the caller's verified bearer token), set by with_headers().
        self.headers: dict[str, str] = {}

    def with_headers(self, headers: dict[str, str]) -> ServiceClient:
        """The same pooled connection, sending these headers too: one view per request."""
        if not headers:
            return self
        view = object.__new__(ServiceClient)
        view.name, view.http, view.headers = self.name, self.http, {**self.headers, **headers}
        return view

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if (cid := correlation_id.get()) is not None:
            headers[CORRELATION_HEADER] = cid
        response = await self.http.request(method, path, headers=headers, **kwargs)
        if response.is_success:
            return response.json() if response.content else None
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": "internal_error", "message": f"{self.name} answered {response.status_code}"}
        raise ServiceError(response.status_code, error["code"], error["message"], error.get("details") or {})

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.request("POST", path, **kwargs)


class ServiceClients:
    def __init__(self, settings: GatewaySettings) -> None:
        self.directory = ServiceClient("directory", settings.directory_url, settings.service_timeout_s)
        self.matching = ServiceClient("matching", settings.matching_url, settings.service_timeout_s)
        self.forum = ServiceClient("forum", settings.forum_url, settings.service_timeout_s)
        self.notifications = ServiceClient(
            "notifications", settings.notifications_url, settings.service_timeout_s
        )
        for client in self.all():
            client.http.reference_ttl_s = settings.reference_cache_s

    def with_headers(self, headers: dict[str, str]) -> ServiceClients:
        """Clients that forward these headers (the verified bearer token) to every service."""
        if not headers:
            return self
        view = object.__new__(ServiceClients)
        for client in self.all():
            setattr(view, client.name, client.with_headers(headers))
        return view

    def all(self) -> list[ServiceClient]:
        return [self.directory, self.matching, self.forum, self.notifications]

    async def aclose(self) -> None:
        for client in self.all():
            await client.http.aclose()

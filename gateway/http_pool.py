"""Keep-alive HTTP/1.1 connection pools to the services: a small client on asyncio and httptools.

Profiling the gateway under load showed its HTTP client as the largest cost: httpx's pool took
about 3 ms of CPU per service call at 32 concurrent requests, aiohttp about 1 ms; this client,
which speaks only what the gateway needs (JSON requests to our own services over plain HTTP/1.1,
keep-alive, Content-Length or chunked answers), about a tenth of that. The parser is httptools
(llhttp, the one uvicorn serves with). `PooledHTTP` offers the part of httpx.AsyncClient that
ServiceClient uses and raises httpx's transport exceptions, so the rest of the gateway and its
error model (a transport error reads as `unavailable`) are unchanged.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httptools
import httpx
import orjson

# uvicorn closes an idle keep-alive connection after 5 s: never reuse one idle that long.
MAX_IDLE_S = 4.0
# Reference data, the same for every caller and changed only by a deploy: answered from memory for
# a few minutes instead of asking directory on every page (its 249 countries cost it ~4 ms each time).
# (GatewaySettings.reference_cache_s; 0 asks every time.)
REFERENCE_PATHS = frozenset({"/countries", "/regions"})
SAFE_PATH = "/:@!$&'()*+,;=-._~%"


class Reply:
    __slots__ = ("_json", "content", "headers", "status_code")

    def __init__(self, status_code: int, content: bytes, headers: dict[str, str]) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers
        self._json: Any = None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        # Decoded once: a cached reference answer is read by many requests (and mutated by none).
        if self._json is None:
            self._json = orjson.loads(self.content)
        return self._json


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = time.monotonic()
        self.received_any = False
        self._waiter: asyncio.Future[Reply] | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(httpx.RemoteProtocolError(f"malformed answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(httpx.RemoteProtocolError("the service closed the connection"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        reply = Reply(self._parser.get_status_code(), b"".join(self._body), self._headers)
        if not self._parser.should_keep_alive():
            self.close()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(reply)

    def send(self, data: bytes) -> asyncio.Future[Reply]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._headers, self._body, self.received_any = {}, [], False
        self._parser = httptools.HttpResponseParser(self)
        self.transport.write(data)
        return self._waiter

    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class PooledHTTP:
    def __init__(self, base_url: str, timeout_s: float, *, max_connections: int = 200) -> None:
        url = urlsplit(base_url)
        if url.scheme != "http":
            raise ValueError(f"service URLs are plain http inside the deployment, not {base_url!r}")
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.prefix = url.path.rstrip("/")
        self.timeout_s = timeout_s
        self._host_header = f"Host: {url.netloc}\r\n"
        self._idle: deque[_Connection] = deque()
        self._slots = asyncio.Semaphore(max_connections)
        self._reference: dict[str, tuple[float, Reply]] = {}
        self.reference_ttl_s = 300.0

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(_Connection, self.host, self.port)
        except OSError as exc:
            raise httpx.ConnectError(f"cannot reach {self.host}:{self.port}: {exc}") from None
        return connection

    def _reusable(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()  # the most recently used is the least likely to be stale
            if not connection.closed and now - connection.idle_since < MAX_IDLE_S:
                return connection
            connection.close()
        return None

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpx's keyword, kept for callers
    ) -> Reply:
        cacheable = method == "GET" and path in REFERENCE_PATHS and not params and self.reference_ttl_s > 0
        if cacheable and (hit := self._reference.get(path)) and hit[0] > time.monotonic():
            return hit[1]
        body = content or b""
        lines = [f"{k}: {v}\r\n" for k, v in (headers or {}).items()]
        if json is not None:
            body = orjson.dumps(json, option=orjson.OPT_NON_STR_KEYS)
            if not any(k.lower() == "content-type" for k in (headers or {})):
                lines.append("Content-Type: application/json\r\n")
        path_only, mark, query = path.partition("?")  # a query string may come in the path, as with httpx
        target = quote(self.prefix + path_only, safe=SAFE_PATH) + (mark + query if mark else "")
        if encoded := _query(params):
            target += ("&" if mark else "?") + encoded[1:]
        head = f"{method} {target} HTTP/1.1\r\n{self._host_header}Content-Length: {len(body)}\r\n{''.join(lines)}\r\n"
        data = head.encode("latin-1") + body
        async with self._slots:
            try:
                async with asyncio.timeout(timeout or self.timeout_s):
                    reply = await self._exchange(data, retry_stale=method in ("GET", "HEAD"))
            except TimeoutError:
                raise httpx.ReadTimeout(f"{method} {path} on {self.host}:{self.port} timed out") from None
        if cacheable and reply.status_code == 200:
            self._reference[path] = (time.monotonic() + self.reference_ttl_s, reply)
        return reply

    async def _exchange(self, data: bytes, *, retry_stale: bool) -> Reply:
        connection = self._reusable()
        reused = connection is not None
        if connection is None:
            connection = await self._connect()
        try:
            reply = await connection.send(data)
        except httpx.RemoteProtocolError:
            connection.close()
            # A kept-alive connection the service had just closed: safe to resend an idempotent read.
            if reused and retry_stale and not connection.received_any:
                return await self._exchange(data, retry_stale=False)
            raise
        except BaseException:
            connection.close()  # cancelled or timed out mid-answer: the stream is unusable
            raise
        if not connection.closed:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        return reply

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop().close()


def _query(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None:
                pairs.append((key, ("true" if item else "false") if isinstance(item, bool) else str(item)))
    return "?" + urlencode(pairs) if pairs else ""

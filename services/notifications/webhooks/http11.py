"""A lean HTTP/1.1 client for webhook POSTs, with the SSRF guard built into every connection.

Why not httpx: a webhook is one small POST and a status code, sent hundreds of times a second;
httpcore's pool re-examines every pooled connection on each request, which made it the bottleneck
of fan-out. This client keeps idle keep-alive connections per origin, resolves a name once per
connection, connects to an address that passed the guard (so DNS rebinding cannot swap it), checks
the peer address of the socket it got, never follows redirects, and bounds each exchange by a timeout.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.notifications.webhooks.guard import check_address, checked_addresses

MAX_BODY = 64 * 1024  # what we read of an answer; a bigger one closes the connection instead


class ProtocolError(Exception):
    pass


@dataclass
class Response:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    peer: str

    def close(self) -> None:
        self.writer.close()


class WebhookHttpClient:
    def __init__(
        self, *, allow_private: bool, timeout_s: float, user_agent: str, max_idle_per_origin: int = 64
    ):
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self.max_idle = max_idle_per_origin
        self._idle: dict[tuple[str, str, int], deque[_Conn]] = defaultdict(deque)
        self._tls = ssl.create_default_context()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProtocolError(f"not an http(s) URL: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        origin = (parts.scheme, parts.hostname, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        lines = [
            f"POST {target} HTTP/1.1",
            f"Host: {host}",
            f"User-Agent: {self.user_agent}",
            f"Content-Length: {len(body)}",
            "Connection: keep-alive",
        ]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        async with asyncio.timeout(self.timeout_s):
            conn = self._reuse(origin)
            if conn is not None:
                try:
                    return await self._exchange(origin, conn, request)
                except (ConnectionError, asyncio.IncompleteReadError, ProtocolError):
                    pass  # the receiver closed an idle keep-alive connection: once more, on a new one
            return await self._exchange(origin, await self._connect(origin), request)

    def _reuse(self, origin: tuple[str, str, int]) -> _Conn | None:
        idle = self._idle[origin]
        while idle:
            conn = idle.pop()
            if not conn.reader.at_eof() and not conn.writer.is_closing():
                return conn
            conn.close()
        return None

    async def _connect(self, origin: tuple[str, str, int]) -> _Conn:
        scheme, host, port = origin
        addresses = await checked_addresses(host, port, allow_private=self.allow_private)
        last: Exception | None = None
        for address in addresses:
            try:
                reader, writer = await asyncio.open_connection(
                    address,
                    port,
                    ssl=self._tls if scheme == "https" else None,
                    server_hostname=host if scheme == "https" else None,
                )
            except OSError as exc:
                last = exc
                continue
            peer = writer.get_extra_info("peername")[0]
            if not self.allow_private:
                try:
                    check_address(host, peer)  # the address actually connected to
                except Exception:
                    writer.close()
                    raise
            return _Conn(reader, writer, peer)
        raise last or ConnectionError(f"no address to connect to for {host}")

    async def _exchange(self, origin: tuple[str, str, int], conn: _Conn, request: bytes) -> Response:
        try:
            conn.writer.write(request)
            await conn.writer.drain()
            response, reusable = await _read_response(conn.reader)
        except BaseException:
            conn.close()
            raise
        if reusable and len(self._idle[origin]) < self.max_idle:
            self._idle[origin].append(conn)
        else:
            conn.close()
        return response

    async def aclose(self) -> None:
        for idle in self._idle.values():
            while idle:
                idle.pop().close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the connection was closed before an answer")
    version, _, rest = status_line.decode("latin-1").partition(" ")
    try:
        status = int(rest.split(" ", 1)[0])
    except ValueError:
        raise ProtocolError(f"not an HTTP status line: {status_line[:80]!r}") from None
    headers: dict[str, str] = {}
    while (raw := await reader.readline()) not in (b"\r\n", b"\n"):
        if not raw:
            raise ConnectionError("the connection was closed inside the headers")
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = version.upper() == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if status in (204, 304) or 100 <= status < 200:
        return Response(status, headers), keep
    if headers.get("transfer-encoding", "").lower() == "chunked":
        read = 0
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                break
            read += size
            if read > MAX_BODY:
                return Response(status, headers), False
            await reader.readexactly(size + 2)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_BODY:
            return Response(status, headers), False
        await reader.readexactly(length)
    else:  # the body runs until the receiver closes: read a little, never reuse
        await reader.read(MAX_BODY)
        keep = False
    return Response(status, headers), keep

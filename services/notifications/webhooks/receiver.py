"""A small webhook receiver for development, tests and benchmarks: a real HTTP server on 127.0.0.1.

    python -m services.notifications.webhooks.receiver --port 9009 --secret whsec_...

prints each delivery and whether its Standard Webhooks signature verifies. Tests script its answers
(e.g. fail three times, then succeed).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hmac
import time
from collections import deque
from dataclasses import dataclass, field

from services.notifications.webhooks.sender import sign


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)


class WebhookReceiver:
    def __init__(
        self, *, port: int = 0, answers: list[tuple[int, dict[str, str]]] | None = None, on_request=None
    ) -> None:  # type: ignore[no-untyped-def]
        self.port = port
        self.answers = deque(answers or [])  # scripted answers, then 200
        self.received: list[Received] = []
        self.on_request = on_request
        self._server: asyncio.AbstractServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/consorcia"

    async def __aenter__(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: many requests per connection
                line = await reader.readline()
                if not line:
                    break
                method, path, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = Received(method, path, headers, body)
                self.received.append(request)
                if self.on_request is not None:
                    self.on_request(request)
                status, extra = self.answers.popleft() if self.answers else (200, {})
                head = [f"HTTP/1.1 {status} X", "content-length: 2", "content-type: text/plain"]
                head += [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\nok").encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


def verifies(secret: str, request: Received) -> bool:
    """Our own check (the tests use the standardwebhooks library for an independent one)."""
    h = request.headers
    expected = sign(secret, h.get("webhook-id", ""), int(h.get("webhook-timestamp", "0")), request.body)
    offered = [s.split(",", 1)[1] for s in h.get("webhook-signature", "").split() if s.startswith("v1,")]
    return any(hmac.compare_digest(base64.b64decode(expected[3:]), base64.b64decode(o)) for o in offered)


async def _main(port: int, secret: str | None) -> None:
    def show(r: Received) -> None:
        ok = (
            "signature ok"
            if secret and verifies(secret, r)
            else ("unverified" if not secret else "BAD SIGNATURE")
        )
        print(
            f"{r.method} {r.path} id={r.headers.get('webhook-id')} {ok}\n  {r.body.decode(errors='replace')}",
            flush=True,
        )

    async with WebhookReceiver(port=port, on_request=show) as receiver:
        print(f"listening on {receiver.url}", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=9009)
    parser.add_argument("--secret", help="the endpoint's whsec_ secret, to verify signatures")
    args = parser.parse_args()
    asyncio.run(_main(args.port, args.secret))

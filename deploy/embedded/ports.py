"""Checking that every port the runner needs is free before anything is started.

Starting half the system and then failing on the sixth port leaves a confusing trail of logs;
checking first lets us name the port, who wanted it and which flag moves it, in one line.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

HOST = "127.0.0.1"


@dataclass(frozen=True)
class PortWish:
    port: int
    owner: str  # e.g. "directory", "NATS monitoring"
    flag: str  # the command-line option that moves this port


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR like the servers themselves use: a socket left in TIME_WAIT by the previous
        # run does not stop them from listening, so it must not make us refuse to start either.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def find_problems(wishes: list[PortWish], host: str = HOST) -> list[str]:
    """One human-readable line per problem; an empty list means everything can start."""
    problems: list[str] = []
    seen: dict[int, PortWish] = {}
    for wish in wishes:
        if not 1 <= wish.port <= 65535:
            problems.append(
                f"port {wish.port} for {wish.owner} is not a valid TCP port; choose another with {wish.flag}"
            )
            continue
        if wish.port in seen:
            other = seen[wish.port]
            problems.append(
                f"port {wish.port} is wanted by both {other.owner} and {wish.owner}; "
                f"move one with {wish.flag} or {other.flag}"
            )
            continue
        seen[wish.port] = wish
        if not port_is_free(wish.port, host):
            problems.append(
                f"port {wish.port} on {host} is already in use (needed by {wish.owner}); "
                f"stop whatever listens there or choose another port with {wish.flag}"
            )
    return problems

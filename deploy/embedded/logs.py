"""Rendering the children's output for a human at a terminal.

Services log one JSON object per line, which is right for log shippers and unreadable in a
terminal; here each line gets a padded, coloured `name | ` prefix and JSON lines become
`HH:MM:SS LEVEL message key=value`. Anything else (nats-server, redis-server, a Python traceback
printed before logging is configured) is passed through untouched.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime
from typing import Any, TextIO

RESET = "\033[0m"
DIM = "\033[2m"
BOLD = "\033[1m"
PALETTE = {
    "consorcia": "\033[1;37m",
    "nats": "\033[34m",
    "redis": "\033[31m",
    "directory": "\033[36m",
    "matching": "\033[32m",
    "forum": "\033[35m",
    "notifications": "\033[33m",
    "gateway": "\033[94m",
}
LEVEL_COLORS = {"DEBUG": DIM, "WARN": "\033[33m", "ERROR": "\033[31m", "CRIT": "\033[1;31m"}
LEVEL_NAMES = {"WARNING": "WARN", "CRITICAL": "CRIT", "FATAL": "CRIT", "EXCEPTION": "ERROR"}

_TIME_KEYS = ("ts", "time", "timestamp", "asctime")
_LEVEL_KEYS = ("level", "levelname")
_MESSAGE_KEYS = ("message", "msg")
# Known from the prefix or from the line itself, or noise from uvicorn's own records.
_HIDDEN_KEYS = {*_TIME_KEYS, *_LEVEL_KEYS, *_MESSAGE_KEYS, "logger", "service", "color_message", "taskName"}
_MULTILINE_KEYS = ("exc_info", "exception", "stack_info", "traceback")
_BARE_VALUE = re.compile(r"^[^\s\"'=]+$")
_CLOCK = re.compile(r"(\d{2}:\d{2}:\d{2})")


def want_color(stream: TextIO) -> bool:
    """NO_COLOR / FORCE_COLOR conventions first, then whether we are writing to a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _clock(value: Any) -> str:
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value).strftime("%H:%M:%S")
        moment = datetime.fromisoformat(str(value).replace(",", "."))
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        return moment.strftime("%H:%M:%S")
    except (ValueError, OverflowError, OSError):
        found = _CLOCK.search(str(value))
        return found.group(1) if found else str(value)


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if record.get(k) is not None), None)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value if _BARE_VALUE.match(value) else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def render(line: str, color: bool = False) -> str:
    """Render one output line; may return several lines (a traceback inside a JSON record)."""
    stripped = line.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return line
    try:
        record = json.loads(stripped)
    except ValueError:
        return line
    if not isinstance(record, dict) or _first(record, _MESSAGE_KEYS) is None:
        return line
    message = _first(record, _MESSAGE_KEYS)
    raw_level = str(_first(record, _LEVEL_KEYS) or "INFO").upper()
    level = LEVEL_NAMES.get(raw_level, raw_level)
    when = _first(record, _TIME_KEYS)
    extras = [
        f"{key}={_value(value)}"
        for key, value in record.items()
        if key not in _HIDDEN_KEYS and key not in _MULTILINE_KEYS and value is not None
    ]
    head = f"{_clock(when)} " if when is not None else ""
    level_text = f"{level:<5}"
    tail = " ".join(extras)
    if color:
        head = f"{DIM}{head}{RESET}"
        level_text = f"{LEVEL_COLORS.get(level, '')}{level_text}{RESET}"
        tail = f"{DIM}{tail}{RESET}" if tail else ""
    out = f"{head}{level_text} {message}" + (f" {tail}" if tail else "")
    for key in _MULTILINE_KEYS:
        if record.get(key):
            out += "\n" + "\n".join(f"    {part}" for part in str(record[key]).splitlines())
    return out


class Console:
    """Single writer for everything the runner prints, so prefixes line up."""

    def __init__(self, names: list[str], stream: TextIO | None = None, color: bool | None = None):
        self.stream = stream or sys.stdout
        self.color = want_color(self.stream) if color is None else color
        self.width = max(len(n) for n in [*names, "consorcia"])

    def prefix(self, name: str) -> str:
        text = f"{name:<{self.width}} | "
        return f"{PALETTE.get(name, BOLD)}{text}{RESET}" if self.color else text

    def child(self, name: str, line: str) -> None:
        self._write(name, render(line, self.color))

    def say(self, message: str) -> None:
        self._write("consorcia", message)

    def plain(self, text: str) -> None:
        self._raw(text + "\n")

    def _write(self, name: str, text: str) -> None:
        prefix = self.prefix(name)
        self._raw("".join(f"{prefix}{part}\n" for part in text.split("\n")))

    def _raw(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # output closed (`| head`, terminal gone): keep supervising regardless

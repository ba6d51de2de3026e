"""The schema contract: the SDL published in docs/schema.graphql and its breaking changes.

    python -m gateway.sdl > docs/schema.graphql      print the live schema
    python -m gateway.sdl --write docs/schema.graphql   the same, refusing unrecorded breaking changes
    python -m gateway.sdl --check docs/schema.graphql   exit 1 if stale or breaking without a record
    python -m gateway.sdl --check BASE.graphql --against docs/schema.graphql
                                                     CI: the committed SDL against a base branch's

A breaking change (graphql-core's find_breaking_changes: a field, type, enum value or argument
removed, a type made stricter...) is allowed only when docs/schema-changes.md lists its exact
description under a dated heading (`## 2026-11-29`), so clients learn what changed and when.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from graphql import build_schema as build_from_sdl
from graphql import find_breaking_changes

REPO = Path(__file__).resolve().parents[1]
SDL_PATH = REPO / "docs" / "schema.graphql"
CHANGES_PATH = REPO / "docs" / "schema-changes.md"
DATE_HEADING = re.compile(r"^##\s+(\d{4}-\d{2}-\d{2})\b")


def live_sdl() -> str:
    from gateway.config import GatewaySettings
    from gateway.schema import build_schema

    # Settings only tune limits, never types: defaults give the same SDL everywhere.
    return build_schema(GatewaySettings()).as_str().rstrip() + "\n"


def breaking_changes(old_sdl: str, new_sdl: str) -> list[str]:
    changes = find_breaking_changes(build_from_sdl(old_sdl), build_from_sdl(new_sdl))
    return sorted(change.description for change in changes)


def recorded_changes(markdown: str) -> dict[str, date]:
    """Each `- <description>` line under a `## YYYY-MM-DD` heading, with that date."""
    recorded: dict[str, date] = {}
    current: date | None = None
    for line in markdown.splitlines():
        if match := DATE_HEADING.match(line):
            current = date.fromisoformat(match.group(1))
        elif current and line.lstrip().startswith("- "):
            text = line.lstrip()[2:].strip().strip("`")
            recorded[text.split(" — ")[0].strip().strip("`")] = current
    return recorded


def unrecorded(old_sdl: str, new_sdl: str, markdown: str) -> list[str]:
    recorded = recorded_changes(markdown)
    return [change for change in breaking_changes(old_sdl, new_sdl) if change not in recorded]


def _problems(old_sdl: str, new_sdl: str) -> list[str]:
    changes = CHANGES_PATH.read_text() if CHANGES_PATH.exists() else ""
    missing = unrecorded(old_sdl, new_sdl, changes)
    return [
        f"breaking change not recorded in docs/schema-changes.md: {change}\n"
        f"  add it under today's heading, e.g.\n  ## {date.today().isoformat()}\n  - {change} — why, and what "
        "clients should do instead"
        for change in missing
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.sdl", description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the live SDL here after the breaking-change check")
    parser.add_argument("--check", type=Path, help="the published (or base) SDL to check")
    parser.add_argument("--against", type=Path, help="compare --check with this SDL instead of the live one")
    args = parser.parse_args(argv)
    new = args.against.read_text() if args.against else live_sdl()
    if args.check:
        old = args.check.read_text()
        problems = _problems(old, new)
        if not args.against and old != new:
            problems.insert(0, f"{args.check} is stale: run `make schema` and commit it")
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if args.write:
        if args.write.exists() and (problems := _problems(args.write.read_text(), new)):
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"{args.write} left unchanged", file=sys.stderr)
            return 1
        args.write.write_text(new)
        return 0
    sys.stdout.write(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

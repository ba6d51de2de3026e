"""The schema contract: the committed SDL is the live schema, and breaking changes are recorded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.sdl import CHANGES_PATH, SDL_PATH, breaking_changes, live_sdl, recorded_changes, unrecorded

V1 = """
type Query { organization(id: ID!): Organization, countries: [Country!]! }
type Organization { id: ID!, name: String!, website: String, kind: Kind! }
type Country { iso2: String! }
enum Kind { SME CONSORTIUM AGENCY }
"""
V2 = """
type Query { organization(id: ID!, lang: String!): Organization, countries: [Country!]!, sectors: [String!]! }
type Organization { id: ID!, name: String!, kind: Kind!, acronym: String }
type Country { iso2: String! }
enum Kind { SME CONSORTIUM }
"""


def test_the_committed_sdl_is_the_live_schema():
    assert SDL_PATH.read_text() == live_sdl(), (
        "docs/schema.graphql differs from the code: run `make schema` (it checks breaking changes) and commit it"
    )


def test_the_live_schema_has_no_unrecorded_breaking_change_against_the_committed_sdl():
    missing = unrecorded(SDL_PATH.read_text(), live_sdl(), CHANGES_PATH.read_text())
    assert missing == [], f"record these in docs/schema-changes.md under today's date: {missing}"


def test_breaking_changes_are_found_and_additions_are_not():
    assert breaking_changes(V1, V2) == [
        "A required argument Query.organization(lang:) was added.",
        "Enum value Kind.AGENCY was removed.",
        "Field Organization.website was removed.",
    ]
    assert breaking_changes(V2, V2 + "type Extra { a: Int }") == []


def test_a_breaking_change_passes_only_once_recorded_under_a_date():
    recorded = """
## 2026-11-29
- Field Organization.website was removed. — now in Organization.links
- `Enum value Kind.AGENCY was removed.` — agencies register as business associations
"""
    assert unrecorded(V1, V2, recorded) == ["A required argument Query.organization(lang:) was added."]
    assert str(recorded_changes(recorded)["Field Organization.website was removed."]) == "2026-11-29"
    undated = "- A required argument Query.organization(lang:) was added.\n"
    assert len(unrecorded(V1, V2, undated)) == 3


def test_sdl_write_refuses_an_unrecorded_breaking_change(tmp_path: Path):
    published = tmp_path / "schema.graphql"
    published.write_text(live_sdl().replace("type Query {", "type Query {\n  retired: Int", 1))
    before = published.read_text()
    result = subprocess.run(
        [sys.executable, "-m", "gateway.sdl", "--write", str(published)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Field Query.retired was removed." in result.stderr
    assert published.read_text() == before


def test_sdl_check_compares_a_base_branch_sdl_with_the_committed_one(tmp_path: Path):
    base, head = tmp_path / "base.graphql", tmp_path / "head.graphql"
    base.write_text(V1)
    head.write_text(V2)
    result = subprocess.run(
        [sys.executable, "-m", "gateway.sdl", "--check", str(base), "--against", str(head)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Enum value Kind.AGENCY was removed." in result.stderr
    same = subprocess.run(
        [sys.executable, "-m", "gateway.sdl", "--check", str(head), "--against", str(head)],
        capture_output=True,
    )
    assert same.returncode == 0

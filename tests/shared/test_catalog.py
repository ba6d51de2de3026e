"""The event catalog: versioned types, past-tense names, generated documentation kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.events import CATALOG, CloudEvent, UnknownEventType, parse
from shared.events.directory import OrganizationRegistered

ROOT = Path(__file__).resolve().parents[2]


def test_every_type_is_versioned_and_named_by_its_subject():
    for type_, cls in CATALOG.items():
        assert type_ == f"org.consorcia.{cls.spec.subject}.v{cls.spec.version}"
        assert cls.spec.subject.count(".") == 2


def test_envelope_round_trips_to_the_typed_payload():
    event = OrganizationRegistered(
        organization_id="6f1c1f7e-3c8e-4b7a-9a55-9a1d1b2f8c10", name="Cacao Real", kind="sme", country="EC"
    )
    envelope = CloudEvent.from_json(event.envelope(subject="x").to_json())
    assert parse(envelope) == event


def test_unknown_type_and_bad_payload_are_told_apart():
    with pytest.raises(UnknownEventType):
        parse(CloudEvent(source="/x", type="org.consorcia.nothing.here.v1", data={}))
    with pytest.raises(ValidationError):
        parse(CloudEvent(source="/x", type=OrganizationRegistered.spec.type, data={"name": "no id"}))


def test_generated_catalog_documentation_is_current():
    # A fresh process, so only the real catalog (no test-only events) is rendered.
    rendered = subprocess.run(
        [sys.executable, "-m", "shared.events.docs"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert rendered == (ROOT / "docs" / "events.md").read_text(), "run `make docs` and commit docs/events.md"

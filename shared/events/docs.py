"""Generate the event catalog's documentation: `python -m shared.events.docs > docs/events.md`."""

from __future__ import annotations

import json

from shared.events import describe


def render() -> str:
    lines = [
        "# Event catalog",
        "",
        "Generated from `shared/events/` by `make docs`; do not edit by hand (a test checks it is current).",
        "",
        "Every event is a CloudEvents 1.0 JSON document (structured mode) on the NATS subject shown, behind",
        "the deployment's namespace. `id` is also the `Nats-Msg-Id`; `correlationid` carries the request that",
        "caused it. A breaking payload change is a new `type` version.",
        "",
        "| type | subject | what happened |",
        "| --- | --- | --- |",
    ]
    rows = describe()
    lines += [
        f"| `{r['type']}` | `{r['subject']}` | {r['doc'].splitlines()[0] if r['doc'] else ''} |" for r in rows
    ]
    for r in rows:
        lines += [
            "",
            f"## `{r['type']}`",
            "",
            r["doc"],
            "",
            f"Owner: {r['owner']}. Subject: `{r['subject']}`.",
            "",
        ]
        lines += ["```json", json.dumps(r["schema"], indent=2, sort_keys=True), "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")

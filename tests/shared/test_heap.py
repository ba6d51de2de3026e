"""A service's start-up heap leaves the garbage collector's walks once start-up is done."""

from __future__ import annotations

import json
import subprocess
import sys


def test_settling_freezes_what_start_up_built_and_collects_young_objects_less_often():
    # In a fresh interpreter: freezing is once per process, and this test process may have done it.
    script = (
        "import gc, json\n"
        "from shared import heap\n"
        "before = gc.get_freeze_count()\n"
        "heap.settle_heap()\n"
        "frozen = gc.get_freeze_count()\n"
        "heap.settle_heap()\n"
        "print(json.dumps([before, frozen, gc.get_freeze_count(), gc.get_threshold()[0]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before, frozen, again, young = json.loads(out.stdout)
    assert before == 0 and frozen > 1000 and again == frozen
    assert young == 10_000

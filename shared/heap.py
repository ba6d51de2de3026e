"""The garbage collector of a long-running service process, set once start-up is done.

CPython's full (generation 2) collection walks every tracked object. After start-up a service holds
150,000-200,000 of them (FastAPI routes, pydantic validators, SQLAlchemy mappers, the strawberry
schema), none of which will ever be garbage, so each full collection cost ~50-60 ms of CPU and
stalled the event loop for every request in flight: under the gateway's benchmark, with about 140
objects per request left in reference cycles (graphql-core's execution, DataLoaders), a full
collection came every second or two and made most of the p99. `gc.freeze()` moves what start-up
built out of the collector's sight; later full collections walk only what was made since.

The young generation is collected after 10,000 net allocations instead of 700: a request
allocates a few thousand tracked objects, most freed by reference counting when it ends, so with
the default the collector ran several times per request and promoted the objects of requests still
in flight to older generations, where only slower collections free them.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000

_settled = False


def settle_heap() -> None:
    """Collect once, freeze what survives and raise the young threshold; once per process."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

"""Python's cycle collector paused for a bulk job (loading a catalog, detecting duplicates, linting).

Such a job makes millions of small objects and next to no reference cycles; each collection those allocations
trigger walks every object of the process — the whole loaded catalog — which cost a third of duplicate detection
at 10 000 records and more at 100 000. Reference counting still frees everything; the collector is resumed (if
it was running) however the job ends, and collects once then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

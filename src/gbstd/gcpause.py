"""Python's cycle collector paused for a bulk job (loading a catalog, detecting duplicates, linting).

Such a job makes millions of small objects and next to no reference cycles; each collection those allocations
trigger walks every object of the process — the whole loaded catalog — which cost a third of duplicate detection
at 10 000 records and more at 100 000. Reference counting still frees everything; the collector is resumed (if
it was running) however the job ends.

Resuming has a price of its own: the first allocation after it collects the youngest generation, which then
holds every object the job made (0.25 s at 100 000 records). A process that ends after its one command (the
command line's, :func:`one_command_process`) freezes the job's objects first (:func:`gc.freeze`): they are its
data until it exits, and are never walked again. A long-lived process (``gbstd serve``, a library user) keeps
the default, where cyclic garbage a job leaves is still collected later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freeze_after_jobs = False


def one_command_process(one: bool = True) -> None:
    """Say whether this process ends after one command (then each bulk job's objects are frozen after it)."""
    global _freeze_after_jobs
    _freeze_after_jobs = one


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if _freeze_after_jobs:
                gc.freeze()
            gc.enable()

"""The texts of the record files an import writes, rendered on every core when there are many.

Rendering a record through ruamel.yaml's round-trip dumper (so that a new file reads exactly as ``gbstd fmt``
would leave it) is most of an import's time: 0.35 ms a record, 3.5 s for 10 000 rows on one core. The
documents are in this process's memory already, so the workers are forked (they see them without pickling)
and send back text only; where fork is missing, one process renders all.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from gbstd.catalog.loader import worker_count
from gbstd.catalog.newrecord import render_record, schema_line
from gbstd.catalog.roundtrip import LineEnds, dump_roundtrip
from gbstd.workers import pool_imap

# Below this many files a pool costs more than it saves; each worker renders this many at a time.
POOL_THRESHOLD = 400
CHUNK = 200


@dataclass(frozen=True)
class Pending:
    """One file to write: a new record (with its schema line) or an existing one merged into."""

    path: Path
    doc: CommentedMap
    new: bool
    ends: LineEnds = field(default_factory=LineEnds)  # an existing file's own line ends and BOM, kept


_PENDING: list[tuple[Pending, str]] = []  # what the forked workers render, by index (set before the fork)


def rendered(pending: list[Pending], root: Path, jobs: int) -> Iterator[str]:
    """Each file's text, in ``pending``'s order (``jobs``: the catalog's setting, 0 for every core)."""
    schemas: dict[Path, str] = {}  # one lookup per directory, not per file
    for item in pending:
        if item.new and item.path.parent not in schemas:
            schemas[item.path.parent] = schema_line(item.path, root)
    work = [(item, schemas.get(item.path.parent, "")) for item in pending]
    workers = worker_count(jobs, len(work), threshold=POOL_THRESHOLD, chunk=CHUNK)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_render(item, schema, root) for item, schema in work)
        return
    _PENDING[:] = work
    try:
        ranges = [(start, min(start + CHUNK, len(work)), root) for start in range(0, len(work), CHUNK)]
        results = pool_imap(_render_range, ranges, workers)
        with contextlib.closing(results):  # a write that fails stops the rendering now
            for texts in results:
                yield from texts
    finally:
        _PENDING.clear()


def _render(item: Pending, schema: str, root: Path) -> str:
    return render_record(item.doc, item.path, root, schema=schema) if item.new else item.ends.applied(dump_roundtrip(item.doc))


def _render_range(task: tuple[int, int, Path]) -> list[str]:
    """In a worker: the texts of ``_PENDING[start:stop]``."""
    start, stop, root = task
    return [_render(item, schema, root) for item, schema in _PENDING[start:stop]]

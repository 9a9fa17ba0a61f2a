"""The D rules' child of an incremental lint run, forked before the run knows it needs one.

An incremental run learns which record files changed, and whether a group of fields the D rules read is among the
changes, only after one ``lstat`` per file and a look at the lint state: at 100 000 records a second and a half
after it began. Only then did the D rules' child start, by loading the whole catalog from the cache (two seconds
more), before detecting duplicates. A :class:`gbstd.engine.Standby` forked as soon as the lint state is found
(before the run lists the files) takes the record files from the cache's file table and loads them as the cache
last knew them (each file's last content hash) meanwhile, and the :class:`DuplicateJob` it is handed — when the D
rules must run again — says what the run found: the record files and their hashes now, the records of the edited
files, and what the rules' context needs. The catalog it then makes is the one the run's own load makes, record for
record: a record whose hash it had loaded is taken over, any other is read as the load would read it. No job
(nothing the D rules read changed, or a full run): it is killed, having written nothing (its cache is read-only
until it has made the job's catalog).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gbstd.catalog.cache import Cache
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.loader import Reusable, load_catalog, record_rels_among, reusable
from gbstd.engine import Standby
from gbstd.model.config import Config
from gbstd.rules import Rule, RuleContext
from gbstd.rules._dupes_memo import DuplicateMemo, memo_for
from gbstd.rules.base import Changes, import_detection

# Below this many files the disk is checked in a tenth of a second or less (10 000 records): too short to load
# the catalog meanwhile, and a second busy core slows this process's own work more than the standby saves. A
# standby that only imported the similarity package and read its word indexes did not pay either (10 000
# records, six rounds alternated: title edit 2.11 → 2.09 s, comment 1.02 → 1.09 s).
STANDBY_THRESHOLD = 30_000


@dataclass(frozen=True)
class DuplicateJob:
    """What a standby needs to run the D rules as the run's own child would: the day, the record files and
    every file's content hash now, the edited records as this run read them (``fresh``), the changes, and the
    duplicate memo's rules, token (one memo for the run and its child) and the lint state's memo tokens."""

    as_of: dt.date
    rels: list[str]
    hashes: Mapping[str, str | None]
    fresh: Mapping[str, Reusable]
    changes: Changes
    memo_codes: list[str]
    memo_token: str
    memo_runs: Mapping[str, str]


def rerun_context(catalog: Catalog, as_of: dt.date, changes: Changes, memo: DuplicateMemo | None) -> RuleContext:
    """The context in which an incremental run's re-run catalog-wide rules check the whole ``catalog``: a rule
    that can tell which records an edit affects re-checks only those (``changes``), the D rules with ``memo``
    (given this catalog)."""
    ctx = RuleContext(catalog, as_of)
    ctx.changes = changes
    if memo is not None:
        memo.catalog = catalog
    ctx.duplicate_memo = memo
    return ctx


def _records_last_hashed(root: Path, config: Config, cache: Cache) -> dict[str, str]:
    """The record files the cache knows, with the content hash each had when last hashed: taken from its file
    table (:func:`record_rels_among`), not from a walk of the records directory (0.07 s at 100 000 records,
    before the load can start). Any file the table names wrongly (one removed since, say) costs a record the
    job never asks for: the job names the files the run loads."""
    last = cache.last_hashes()
    return {rel: last[rel] for rel in record_rels_among(root, config, list(last), cache.directory) if rel in last}


def start_standby(
    root: Path, config: Config, cache: Cache, files: int, rules: list[Rule], jobs: int | None
) -> Standby | None:
    """A standby for the D rules among ``rules`` over the catalog at ``root``, of about ``files`` files (as
    the last run listed them: the standby is forked before lint lists them, and takes the record files from
    the cache's file table); None below :data:`STANDBY_THRESHOLD` files, or when they would not run in a child
    (see :func:`gbstd.engine.can_fork`)."""
    if files < STANDBY_THRESHOLD:
        return None

    def ready() -> dict[str, Reusable]:
        # Killed at any moment until handed its job, it writes nothing (no half-written file, no shard of a
        # cache older than the run's): what its loads learn, the run's own load learns and writes.
        cache.read_only = True
        last = _records_last_hashed(root, config, cache)
        catalog = load_catalog(root, cache=cache, jobs=1, known=last, rels=sorted(last), positions=False)
        import_detection()  # the similarity package's imports, while the job is still being made
        return reusable(catalog)

    def make(loaded: dict[str, Reusable], job: object) -> RuleContext:
        assert isinstance(job, DuplicateJob)
        catalog = load_catalog(
            root, cache=cache, jobs=1, known=job.hashes, rels=job.rels, reuse={**loaded, **job.fresh},
            positions=False,
        )
        cache.read_only = False  # the D rules' memo is this child's to write, as a freshly forked one's is
        memo = memo_for(cache, job.memo_codes, None, job.memo_runs)
        if memo is not None:
            memo.token = job.memo_token
        return rerun_context(catalog, job.as_of, job.changes, memo)

    return Standby.start(ready, make, rules, config, files, jobs)

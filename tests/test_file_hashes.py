"""Files whose fingerprints the cache no longer trusts (a copied catalog, a fresh clone with its cache restored
in CI, a checkout): hashed again, the stored result or the lint state still stands for them when their
content is what the cache knows; only files new to the cache are left to a full run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from gbstd import linting
from gbstd.catalog import file_hashes
from gbstd.catalog.cache import Cache, content_hash
from gbstd.catalog.config_file import load_config
from gbstd.catalog.yamlio import fingerprint_of
from gbstd.engine import Selection
from gbstd.findings import Finding
from gbstd.linting import LintOutcome, lint_catalog
from tests.issue21_support import copy_sample

AS_OF = dt.date(2025, 6, 30)
RECORD = "records/local/DB4103-T-152-2023.yaml"


def lint(root: Path, use_cache: bool = True) -> LintOutcome:
    return lint_catalog(root, load_config(root), AS_OF, Selection(), use_cache=use_cache)


def rows(outcome: LintOutcome) -> list[tuple[Any, ...]]:
    found: list[Finding] = outcome.result.findings
    return sorted((f.path, f.rule, f.line, f.column, f.message.en) for f in found)


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files each call of hash_files is given; "many" unknown files start above two."""
    calls: list[list[str]] = []
    real = file_hashes.hash_files

    def spy(root: Path | str, rels: list[str], *args: Any) -> dict[str, str]:
        calls.append(list(rels))
        return real(root, rels, *args)

    monkeypatch.setattr(linting, "hash_files", spy)
    monkeypatch.setattr(linting, "FEW_UNKNOWN", 2)
    return calls


@pytest.fixture
def copied(tmp_path: Path) -> tuple[Path, list[tuple[Any, ...]]]:
    """A catalog linted once, copied with its cache (every file a new fingerprint), and its cold findings."""
    first = copy_sample(tmp_path / "a")
    cold = rows(lint(first))
    copy = tmp_path / "b" / "catalog"
    shutil.copytree(first, copy)
    return copy, cold


def test_a_copy_with_its_cache_takes_the_stored_result(
    copied: tuple[Path, list[tuple[Any, ...]]], hashed: list[list[str]]
) -> None:
    copy, cold = copied
    outcome = lint(copy)
    assert outcome.from_cache  # the stored result stands: no rule ran
    assert rows(outcome) == cold
    assert len(hashed) == 1 and RECORD in hashed[0] and len(hashed[0]) > 30  # every file hashed, in one go
    cache = Cache.open(copy, load_config(copy))
    for rel in hashed[0]:  # the new fingerprints are kept with the hashes: the next run reads nothing
        assert cache.files.get(rel)[:5] == [*fingerprint_of(os.lstat(copy / rel)), content_hash((copy / rel).read_bytes())]


def test_a_copy_with_one_edit_rechecks_only_that_record(
    copied: tuple[Path, list[tuple[Any, ...]]], hashed: list[list[str]]
) -> None:
    copy, _ = copied
    path = copy / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("status: 现行", "status: 废止", 1), encoding="utf-8")
    outcome = lint(copy)
    assert not outcome.from_cache
    assert outcome.rechecked == [RECORD]  # incremental: the state stood for every other file
    assert rows(outcome) == rows(lint(copy, use_cache=False))


def test_many_files_new_to_the_cache_are_left_to_a_full_run(tmp_path: Path, hashed: list[list[str]]) -> None:
    root = copy_sample(tmp_path)
    lint(root)
    text = (root / RECORD).read_text(encoding="utf-8")
    for number in range(5):  # five records the cache has never seen: more than FEW_UNKNOWN
        added = text.replace("DB4103/T 152-2023", f"DB4103/T {900 + number}-2023")
        (root / "records" / "local" / f"added-{number}.yaml").write_text(added, encoding="utf-8")
    outcome = lint(root)
    assert hashed == []  # not hashed ahead: the full run reads and parses them once
    assert outcome.rechecked is None and not outcome.from_cache
    assert rows(outcome) == rows(lint(root, use_cache=False))


def test_hashing_in_workers_gives_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample(tmp_path)
    rels = sorted(p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml"))
    (root / "records" / "broken.yaml").mkdir()  # a directory where a file was listed: unreadable
    rels.append("records/broken.yaml")
    config = load_config(root)

    def hashes(jobs: int) -> tuple[dict[str, str], dict[str, Any]]:
        cache = Cache.open(root, config)
        found = file_hashes.hash_files(root, rels, cache, config.catalog.max_file_size, jobs)
        return found, {rel: cache.files.get(rel) for rel in rels}

    alone, remembered = hashes(1)
    monkeypatch.setattr(file_hashes, "CHUNK", 4)  # many chunks, two worker processes
    monkeypatch.setattr(file_hashes, "worker_count", lambda jobs, files: 2)
    pooled, _ = hashes(2)
    assert pooled == alone
    assert alone[RECORD] == content_hash((root / RECORD).read_bytes())
    assert alone["records/broken.yaml"].startswith("!")  # why it cannot be read, not a hash
    assert remembered[RECORD][:5] == [*fingerprint_of(os.lstat(root / RECORD)), alone[RECORD]]
    assert remembered["records/broken.yaml"] is None  # an unreadable file is never remembered


def test_the_file_table_is_merged_once_to_find_the_files_to_hash_ahead(
    copied: tuple[Path, list[tuple[Any, ...]]], hashed: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every fingerprint new: the known hashes and the count of files hashed before come from one merge of the
    cache's file table shards; _hash_unknown merged them all again (last_hashes) only to count the latter."""
    copy, cold = copied
    merges: list[int] = []
    real = Cache._file_table

    def counted(self: Cache) -> dict[str, Any]:
        merges.append(1)
        return real(self)

    monkeypatch.setattr(Cache, "_file_table", counted)
    config = load_config(copy)
    stored = linting.stored_result(copy, config, AS_OF, Selection())
    assert stored is not None and len(hashed) == 1  # hashed ahead, and the stored result stands for the copy
    assert len(merges) == 1
    assert rows(lint(copy)) == cold

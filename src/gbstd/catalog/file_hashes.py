"""Content hashes of catalog files read from disk, remembered in the cache with the files' fingerprints.

A file's content hash decides whether the stored result of the last lint run still stands and what an
incremental run re-checks. The cache trusts the hash it remembers while the file's fingerprint (size, times,
inode) is unchanged; a copied catalog, a fresh clone with its cache restored in CI or a checkout gives every
file a new fingerprint, and then each must be read and hashed again (100 000 files: 3.5 s in one process).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from gbstd.catalog.cache import Cache, content_hash
from gbstd.catalog.loader import CHUNK, worker_count
from gbstd.catalog.yamlio import FileProblem, Fingerprint, read_bytes
from gbstd.workers import pool_imap


def unreadable(problems: list[FileProblem]) -> str:
    """What stands for the content hash of a file that cannot be read: why it cannot (a run whose file
    became readable, or unreadable for another reason, is not mistaken for the same)."""
    return "!" + "; ".join(problem.message.en for problem in problems)


def hash_file(root: Path | str, rel: str, cache: Cache, max_size: int, key: str | None = None) -> str:
    """The content hash of one file, remembered in ``cache`` under ``key`` (default: ``rel``); an unreadable
    one is identified by why it cannot be read."""
    read_at = time.time_ns()
    _, fingerprint, sha = _hashed(str(root), rel, max_size)
    if fingerprint is not None:
        cache.remember_hash(key or rel, fingerprint, sha, read_at)
    return sha


def hash_files(root: Path | str, rels: list[str], cache: Cache, max_size: int, jobs: int) -> dict[str, str]:
    """:func:`hash_file` for many files, read in worker processes when there are many (``jobs``: as the
    catalog's ``jobs``, 0 meaning one per core)."""
    read_at = time.time_ns()  # before any file is read: the racy rule's clock (Cache.remember_hash)
    found: dict[str, str] = {}
    for rel, fingerprint, sha in _hash_all(str(root), rels, max_size, jobs):
        if fingerprint is not None:
            cache.remember_hash(rel, fingerprint, sha, read_at)
        found[rel] = sha
    return found


def _hashed(root: str, rel: str, max_size: int) -> tuple[str, Fingerprint | None, str]:
    data, fingerprint, problems = read_bytes(os.path.join(root, rel), max_size, root)
    if data is None or fingerprint is None:
        return rel, None, unreadable(problems)
    return rel, fingerprint, content_hash(data)


def _hash_chunk(args: tuple[str, list[str], int]) -> list[tuple[str, Fingerprint | None, str]]:
    root, rels, max_size = args
    return [_hashed(root, rel, max_size) for rel in rels]


def _hash_all(root: str, rels: list[str], max_size: int, jobs: int) -> Iterator[tuple[str, Fingerprint | None, str]]:
    workers = worker_count(jobs, len(rels))
    if workers <= 1:
        for rel in rels:
            yield _hashed(root, rel, max_size)
        return
    chunks = [(root, rels[i : i + CHUNK], max_size) for i in range(0, len(rels), CHUNK)]
    results = pool_imap(_hash_chunk, chunks, workers)
    with contextlib.closing(results):  # a reader that stops early winds the pool down at once
        for chunk in results:
            yield from chunk

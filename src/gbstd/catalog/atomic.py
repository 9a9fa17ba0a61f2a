"""Atomic writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8", *, fsync: bool = True) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``.

    ``fsync=False`` skips forcing the data to disk first: for caches, where losing the file is harmless.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """:func:`write_atomic` for content made piece by piece (a large cache file never held whole in memory);
    without fsync, for caches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def replace_directory(target: Path) -> Iterator[Path]:
    """Build a directory's new contents in a temporary directory beside ``target``, then swap it in whole.

    Yields the temporary directory to write into. When the block succeeds, the old ``target`` (if any) is
    renamed aside, the new one renamed into place and the old one removed: a reader sees the old tree or the
    new one (or, between the two renames, none), never half of either. When the block fails, the temporary
    directory is removed and ``target`` is left as it was. A ``target`` that is a symlink keeps it: the
    directory it points at is the one replaced.
    """
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield stage
        os.chmod(stage, target.stat().st_mode & 0o777 if target.is_dir() else 0o755)
        if target.exists():
            old = stage.with_name(stage.name + ".old")
            os.replace(target, old)
            try:
                os.replace(stage, target)
            except BaseException:
                os.replace(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise

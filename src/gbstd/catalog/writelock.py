"""One writer of a catalog at a time, across processes: two `gbstd serve` on one catalog (two terminals, a
restart while the old one still runs), or a save from the web while `gbstd review add` or `gbstd import` writes.

Each writer reads a file, checks it is as it was, and renames its new text over it; two writers interleaving
those steps lose one edit without a word. An in-process lock keeps two tabs of one server apart, not two
processes. Here the catalog's root directory itself is locked with ``flock``: no lock file is made (nothing for
git to list, nothing to clean up), and the kernel releases the lock when its process ends however it ends, so a
writer that was killed never blocks the next one. Within a process the lock is re-entrant for the thread that
holds it (the editor's import calls the importer, which takes it too).

Where ``flock`` is missing (Windows) or refused (some network file systems), writers are kept apart within
their process only: :func:`cross_process` says whether they are, for ``gbstd serve`` to warn when not.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gbstd.catalog.config_file import CatalogError
from gbstd.i18n import Text

try:
    import fcntl
except ImportError:  # Windows: writers are kept apart within their process only
    fcntl = None  # type: ignore[assignment]

WAIT = 30.0  # seconds a writer waits for another process to finish before it is refused (an import takes a while)
POLL = 0.05


class Busy(CatalogError):
    """Another process kept the catalog's write lock for longer than :data:`WAIT`: nothing was written."""

    def __init__(self, waited: float) -> None:
        super().__init__(Text(
            f"另一个 gbstd 进程正在写入目录（另一个网页编辑器、gbstd import、gbstd fmt 等），{waited:g} 秒内未结束；"
            "未作任何改动，请稍后再试",
            f"another gbstd process is writing the catalog (a second web editor, gbstd import, gbstd fmt…) and "
            f"did not finish within {waited:g} s; nothing was changed, try again in a moment",
        ))


@dataclass
class _Holder:
    """This process's hold on one catalog: the threads' lock, how deep the holding thread is, the locked fd."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    fd: int | None = None


_holders: dict[str, _Holder] = {}
_guard = threading.Lock()


def cross_process() -> bool:
    """Whether writers in different processes are kept apart on this system (``flock`` is there)."""
    return fcntl is not None


@contextmanager
def catalog_writing(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the write lock of the catalog at ``root`` (another process's or thread's writes wait; this
    thread may take it again inside). :class:`Busy` when it is not free within ``wait`` seconds (:data:`WAIT`)."""
    waited = WAIT if wait is None else wait
    deadline = time.monotonic() + waited
    key = os.path.realpath(root)  # the same catalog however it was named (a link, a relative path)
    with _guard:
        holder = _holders.setdefault(key, _Holder())
    if not holder.lock.acquire(timeout=max(waited, 0.0)):
        raise Busy(waited)
    try:
        if holder.depth == 0:
            holder.fd = _lock_directory(key, deadline, waited)
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0 and holder.fd is not None:
                os.close(holder.fd)  # closing the descriptor releases the flock
                holder.fd = None
    finally:
        holder.lock.release()


def _lock_directory(path: str, deadline: float, waited: float) -> int | None:
    """``flock`` the directory ``path``, waiting until ``deadline``; its descriptor, or None where the system
    cannot lock it (no ``flock``, a file system that refuses it): then only this process's threads are kept apart."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not there, not readable: the write that follows says why
        return None
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)  # ENOLCK, EINVAL: a file system without locks
                return None
        if time.monotonic() >= deadline:
            os.close(fd)
            raise Busy(waited)
        time.sleep(POLL)

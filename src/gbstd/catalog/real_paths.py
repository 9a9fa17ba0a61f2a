"""Where many catalog files really are, symbolic links followed, each directory resolved once.

``Path.resolve()`` checks every component of a path with an ``lstat`` of its own: for each of 100 000 record
files under a few hundred directories that is a million system calls and several seconds, spent whenever a
command is limited to a sub-folder (``gbstd lint records/local``, ``gbstd fmt records``). A file that is no
symbolic link is where its directory resolves to, so :class:`RealPaths` resolves a directory once and a file
with one ``lstat``; the answers are ``os.path.realpath``'s (which ``Path.resolve()`` is).
"""

from __future__ import annotations

import os
from pathlib import Path


class RealPaths:
    """``os.path.realpath`` for many paths, remembering each directory's answer (for one command's run: a
    directory moved or relinked meanwhile is not seen)."""

    def __init__(self) -> None:
        self._directories: dict[str, str] = {}

    def of(self, path: str | Path) -> str:
        text = os.fspath(path)
        if os.path.islink(text):
            return os.path.realpath(text)
        return self.of_entry(text)

    def of_entry(self, text: str) -> str:
        """:meth:`of` for a path that is known to be no symbolic link (checked by the caller)."""
        folder, name = os.path.split(text)
        if not name or name in (".", ".."):  # a directory named by a trailing separator or a dot: as it is
            return os.path.realpath(text)
        real = self._directories.get(folder)
        if real is None:
            real = self._directories[folder] = os.path.realpath(folder)
        return os.path.join(real, name)


def under(top: str) -> str:
    """``top`` with one separator at its end: what :func:`is_within` compares with (made once for many paths)."""
    return os.path.join(top, "")


def is_within(path: str, top: str, top_under: str | None = None) -> bool:
    """``Path(path).is_relative_to(top)`` for two resolved paths given as text (no ``Path`` made for either);
    ``top_under`` is :func:`under` of ``top`` when the caller has it."""
    return path == top or path.startswith(under(top) if top_under is None else top_under)


__all__ = ["RealPaths", "is_within", "under"]

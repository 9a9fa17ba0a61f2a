"""The site's page names: one per record file, distinct and stable even when codes collide or are over-long.

A page is named after its code (``GB/T 41568-2022`` → ``standards/GB-T-41568-2022.html``). Two records whose
names would collide — an invalid ``GB/T-41568-2022`` (C002) and the real ``GB/T 41568-2022``, two files with
one code (C008), names that differ only in case (case-insensitive file systems) — each keep a page: the one
with a valid code, then the first by file, gets the plain name; the others a name with a hash of their file.
A name longer than :data:`MAX_STEM` is shortened with a hash of the code (file systems allow 255 bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from gbstd.catalog.catalog import Record
from gbstd.model.code import filename_stem

MAX_STEM = 100  # characters of a page name before it is shortened


@dataclass(frozen=True)
class Renamed:
    """A record whose page name collided with another's, and the distinct name it got instead."""

    rel: str  # the renamed record's file
    other: str  # the record that kept the plain name
    href: str


def _digest(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def page_stem(key: str) -> str:
    """A page's file name without ``.html``: the code's file stem, shortened with a hash when over-long.

    ``~`` never appears in :func:`filename_stem`, so a shortened or renamed name cannot equal a plain one.
    """
    stem = filename_stem(key)
    return stem if len(stem) <= MAX_STEM else f"{stem[:MAX_STEM - 13]}~{_digest(key, 12)}"


def page_names(records: Iterable[Record]) -> tuple[dict[str, str], list[Renamed]]:
    """Every record's page (by its file, ``rel``), distinct even when codes give the same name."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(page_stem(record.key).lower(), []).append(record)  # case-insensitive file systems
    names: dict[str, str] = {}
    renamed: list[Renamed] = []
    for group in groups.values():
        group.sort(key=lambda r: (r.code is None, r.rel))  # a valid code keeps the plain name
        first, *others = group
        names[first.rel] = f"standards/{page_stem(first.key)}.html"
        for other in others:
            names[other.rel] = f"standards/{page_stem(other.key)}~{_digest(other.rel)}.html"
            renamed.append(Renamed(other.rel, first.rel, names[other.rel]))
    return names, renamed


__all__ = ["MAX_STEM", "Renamed", "page_names", "page_stem"]

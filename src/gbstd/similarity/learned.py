"""What duplicate detection works out per title and per subject, kept from one run for the next.

A title's :class:`Subject` and a subject's words (:func:`gbstd.similarity.segment.words`) depend on that text
and on the word lists alone (the ``[duplicates]`` settings and the tool's data, which the lint cache's
documents are bound to). An incremental lint run that detects duplicates again after one title was edited
takes every other title's subject and words from the last run instead of working them out again: at 10 000
records that was a seventh of the D rules' work on the run's critical path (regular expressions over 3 500
distinct titles, then one dictionary pass over their subjects).

This module only turns the table into plain data and back; :mod:`gbstd.rules._dupes_memo` keeps it in the lint
cache. A table that is not of this shape is not used in part: detection then works everything out again.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gbstd.similarity.normalise import bigrams
from gbstd.similarity.segment import known_words
from gbstd.similarity.subject import Subject


@dataclass
class Learned:
    """Each title's subject and each subject's words, as one run knew them. ``changed``: whether the run that
    used it learnt something new or no longer needed part of it (so it is worth writing again)."""

    subjects: dict[str, Subject] = field(default_factory=dict)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    changed: bool = False

    def keep(self, subjects: Mapping[str, Subject], cores: Iterable[str]) -> None:
        """What a run knows now: the subjects of its ``subjects``' titles and the words of ``cores`` that were
        segmented (a subject never segmented is not kept)."""
        words = known_words(cores)
        if subjects.keys() != self.subjects.keys() or words.keys() != self.words.keys():
            self.changed = True
        self.subjects, self.words = dict(subjects), words

    def to_document(self) -> dict[str, Any]:
        """The table as plain data, with a checksum of it: each title's [full text, subject], and each subject's
        [aspects, words] (its words null when it was never segmented)."""
        subjects = {title: [s.full, s.core] for title, s in sorted(self.subjects.items())}
        aspects = {s.core: s.aspects for s in self.subjects.values()}
        cores = {core: [sorted(aspects[core]), list(self.words[core]) if core in self.words else None]
                 for core in sorted(aspects)}
        return {"subjects": subjects, "cores": cores, "check": _checksum(subjects, cores)}

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | None) -> Learned:
        """The table :meth:`to_document` wrote; an empty one when anything in it is not as written there (a
        damaged or foreign file): no part of it is trusted."""
        if not document:
            return cls()
        subjects, cores = document.get("subjects"), document.get("cores")
        if not isinstance(subjects, dict) or not isinstance(cores, dict):
            return cls()
        check = _checksum(subjects, cores)
        if not check or document.get("check") != check:
            return cls()
        # what a subject's titles share is made once per subject (a national catalog: 3 800 titles, 450 subjects)
        made: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        cut: dict[str, tuple[str, ...]] = {}
        for core, row in cores.items():
            if not (core and isinstance(row, list) and len(row) == 2 and isinstance(row[0], list) and _texts(row[0])):
                return cls()
            aspects, parts = row
            if parts is not None:
                # a subject's words spell it out, in order: anything else is not a segmentation of it
                if not (isinstance(parts, list) and _texts(parts) and all(parts) and "".join(parts) == core):
                    return cls()
                cut[core] = tuple(parts)
            made[core] = (frozenset(aspects), tuple(bigrams(core)))
        found: dict[str, Subject] = {}
        for title, row in subjects.items():
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str) and isinstance(row[1], str)
                    and row[1] in made):
                return cls()
            full, core = row
            aspects, grams = made[core]
            found[title] = Subject(full=full, core=core, aspects=aspects, grams=grams)
        return cls(found, cut)


def _texts(values: list[Any]) -> bool:
    return all(isinstance(value, str) for value in values)


def _checksum(subjects: Mapping[str, Any], cores: Mapping[str, Any]) -> str:
    """A CRC of the table as plain data (one text of all of it, in the order written): a file damaged on disk is
    not taken for what detection worked out."""
    parts: list[str] = []
    try:
        for title, (full, core) in subjects.items():
            parts += (title, full, core, "\x1e")
        for core, (aspects, words) in cores.items():
            parts += (core, *aspects, "\x1d", *(words or ("\x1c",)), "\x1e")
        text = "\x1f".join(parts)
    except (TypeError, ValueError):
        return ""  # not the shape written: no checksum matches it
    return f"{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"

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
        """The table as plain data, with a checksum of it: a subject is [full, core, its aspects]."""
        subjects = {title: [s.full, s.core, sorted(s.aspects)] for title, s in sorted(self.subjects.items())}
        words = {core: list(parts) for core, parts in sorted(self.words.items())}
        return {"subjects": subjects, "words": words, "check": _checksum(subjects, words)}

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | None) -> Learned:
        """The table :meth:`to_document` wrote; an empty one when anything in it is not as written there (a
        damaged or foreign file): no part of it is trusted."""
        if not document:
            return cls()
        subjects, words = document.get("subjects"), document.get("words")
        if not isinstance(subjects, dict) or not isinstance(words, dict):
            return cls()
        if document.get("check") != _checksum(subjects, words):
            return cls()
        found: dict[str, Subject] = {}
        for title, row in subjects.items():
            if not (isinstance(row, list) and len(row) == 3 and _texts(row[:2]) and isinstance(row[2], list)
                    and _texts(row[2]) and row[1]):
                return cls()
            full, core, aspects = row
            found[title] = Subject(full=full, core=core, aspects=frozenset(aspects), grams=tuple(bigrams(core)))
        cut: dict[str, tuple[str, ...]] = {}
        for core, parts in words.items():
            # a subject's words spell it out, in order: anything else is not a segmentation of it
            if not (isinstance(parts, list) and _texts(parts) and "".join(parts) == core and all(parts)):
                return cls()
            cut[core] = tuple(parts)
        return cls(found, cut)


def _texts(values: list[Any]) -> bool:
    return all(isinstance(value, str) for value in values)


def _checksum(subjects: Mapping[str, Any], words: Mapping[str, Any]) -> str:
    """A CRC of the table as plain data (one text of all of it, in key order): a file damaged on disk is not
    taken for what detection worked out. Built only from a table already checked to be texts."""
    parts: list[str] = []
    try:
        for title in sorted(subjects):
            full, core, aspects = subjects[title]
            parts += (title, full, core, *aspects, "\x1e")
        for core in sorted(words):
            parts += (core, *words[core], "\x1e")
        text = "\x1f".join(parts)
    except (TypeError, ValueError):
        return ""  # not the shape written: no checksum matches it
    return f"{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}"

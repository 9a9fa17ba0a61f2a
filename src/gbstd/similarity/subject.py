"""Subject extraction: what a title is about once region, organisational scope and generic words are gone.

``河南省党政机关公务用车服务管理规范`` → subject ``公务用车``; ``公务用车运行维护规范`` → ``公务用车运行维护``.
The subject (``core``) is what candidate generation indexes and what the score weighs most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from gbstd.model.regions import CITIES, PROVINCES
from gbstd.similarity import vocabulary as vocab
from gbstd.similarity.normalise import bigrams, normalise


@dataclass(frozen=True)
class Subject:
    """A title taken apart: ``full`` (normalised, region removed) and ``core`` (the subject words)."""

    full: str
    core: str
    aspects: frozenset[str]
    grams: tuple[str, ...]  # the core's character bigrams, computed once


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique)


def region_names() -> list[str]:
    """Every province and listed city in full (河南省, 洛阳市) and short (洛阳) form."""
    names: set[str] = set(PROVINCES.values())
    for code, city in CITIES.items():
        names.add(city)
        names.add(PROVINCES.get(code[:2], "") + city)
        if city.endswith(("市", "州", "盟")) and len(city) > 2:
            names.add(city[:-1])
    return sorted(names)


@lru_cache(maxsize=1)
def _regions_re() -> re.Pattern[str]:
    return re.compile(_alternation(region_names()))


def strip_regions(text: str) -> str:
    """``text`` (normalised) without the province and city names it mentions: a scope copied into another
    region's standard differs in them only (本文件适用于云南省… / 本文件适用于江苏省…)."""
    return _regions_re().sub("", text)


class SubjectExtractor:
    """Takes titles apart with one set of word lists (the defaults plus a catalog's own additions)."""

    def __init__(
        self,
        *,
        generic_words: Iterable[str] = (),
        domain_words: Iterable[str] = (),
        aspect_words: Iterable[str] = (),
        synonyms: dict[str, str] | None = None,
    ) -> None:
        synonym_map = {normalise(k): normalise(v) for k, v in {**vocab.SYNONYMS, **(synonyms or {})}.items()}
        self._synonyms = synonym_map
        self._synonym_re = re.compile(_alternation(synonym_map)) if synonym_map else None
        removable = [*vocab.GENERIC_WORDS, *generic_words, *vocab.DOMAIN_WORDS, *domain_words]
        self._generic = frozenset(normalise(w) for w in removable)
        keep = set(vocab.KEEP_WORDS)
        # One alternation, longest first: KEEP words win over the generic words they contain.
        self._strip_re = re.compile(_alternation([*removable, *keep]))
        self._keep = keep
        self._aspects = tuple(sorted({normalise(w) for w in (*vocab.ASPECT_WORDS, *aspect_words)}))
        self._region_re = re.compile(_alternation(region_names()))
        short = _alternation(vocab.PROVINCE_SHORT.values())
        domain = _alternation([*vocab.DOMAIN_WORDS, *domain_words])
        suffix = _alternation(vocab.PLACE_SUFFIXES)
        # A leading place name not in our lists (宝鸡市, 黔西南州…) is recognised by its suffix when a domain
        # word follows it: 宝鸡市党政机关… yes, 农贸市场… no.
        self._leading_place_re = re.compile(rf"^(?:(?:{short})|[\u4e00-\u9fff]{{2,8}}?(?:{suffix}))(?=(?:{domain}))")

    def strip_region(self, normalised: str, extra_names: Iterable[str] = ()) -> str:
        text = self._region_re.sub("", normalised)
        for name in extra_names:
            if name:
                text = text.replace(normalise(name), "")
        return self._leading_place_re.sub("", text)

    def subject(self, title: str, region_names: Iterable[str] = ()) -> Subject:
        """The subject of ``title``; ``region_names`` are names of the record's own region to ignore."""
        full = self.strip_region(normalise(title), region_names)
        text = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], full) if self._synonym_re else full
        core = self._strip_re.sub(lambda m: m.group(0) if m.group(0) in self._keep else "", text)
        if not core:
            core = text or full  # a title made only of generic words is its own subject
        return Subject(full=full, core=core, aspects=self.aspects_of(core), grams=tuple(bigrams(core)))

    @property
    def aspect_words(self) -> tuple[str, ...]:
        return self._aspects

    @property
    def generic_words(self) -> frozenset[str]:
        """Words that never make a subject: generic, organisational (and the catalog's additions)."""
        return self._generic

    def aspects_of(self, core: str) -> frozenset[str]:
        return frozenset(a for a in self._aspects if a in core)

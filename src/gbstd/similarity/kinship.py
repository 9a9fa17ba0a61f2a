"""How the one word in which two titles differ relates: evidence finer than the thesaurus' equal groups.

Two titles that are the same but for one word (办公用房维修管理规范 / 办公用房修缮管理规范) are one standard
written twice when the two words mean the same thing, and two standards when they name two aspects of one subject
(购置 / 维修). Cilin's equal groups (:mod:`gbstd.similarity.thesaurus`) list few of the administrative synonyms, so
this module reads more of what the thesaurus and the words themselves say:

* **morpheme** – two two-character words, both verbal by jieba's part of speech, that share one character the way
  synonyms do: the first (考核 / 考评, 巡查 / 巡检, 监督 / 监管), or crosswise, two coordinate verbs sharing one
  of their verbs (维修 / 修缮, a neighbour of 修理 in Cilin). Cilin, where it knows both words, must file them in
  one middle class (two letters of the code: ``Hc``); crosswise, and for two listed aspect words (监督 / 监管,
  not 配备 / 配送), it must know both. Never a shared *last*
  character alone: it is the head of two modifier–head compounds, and different modifiers make different kinds
  (预算 / 决算, 配置 / 处置, 审计 / 统计); never nouns (用车 / 用房, 物业 / 物资: kinds of things); and a verb
  with another object (节能 / 节水) is told apart by Cilin's classes (E vs H).
* A word Cilin lists only as standing alone (``@``: 调度) has no kin.
* **contrast** – Cilin lists both words in one ``#`` group only (related but unequal: 预算 / 决算, 监测 / 检测)
  and one of them is a listed aspect word: its siblings are the other aspects of its kind; or both are listed
  aspect words and not kin: two aspects of one subject — unless one contains the other (信息 / 信息化) or Cilin
  lists them in one equal group or one word group (Cilin's code to five levels, ``Hc20A``: 评价 / 评估, 配置 / 配备), which leaves them to a copied scope.
  Cilin's word groups are not kinship on their own: they also gather 验收 with 检查 and 核算 with 预算.

Cilin's codes have five levels and a marker (``Hd04B01=``: big class H 活动, middle class d, small class 04, word
group B, atom group 01; ``=`` equal, ``#`` related but unequal, ``@`` standing alone);
:func:`gbstd.similarity.thesaurus.cilin_codes` reads them.

Kinship is *supporting* evidence: :mod:`gbstd.similarity.scoring` counts it only when the rest of the title is
the same and the scopes agree once the word is swapped. Everything here is per word (cached), never per pair of
records over the thesaurus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from gbstd.similarity.abbreviation import common_ends
from gbstd.similarity.segment import is_verb, words
from gbstd.similarity.thesaurus import Thesaurus, cilin_codes

# Longest word (characters) a substitution may replace on either side: a longer span is more than one word.
_MAX_WORD = 4
# A subject of more words than this is no title (a document pasted into the field): one word apart from
# another subject is not tried for it. Each try joins the whole subject anew, so the words of one such title
# made lint quadratic (a 20 000-character title took 17 s, one of 100 000 eight minutes); titles have a few
# dozen words at most.
MAX_SUBJECT_WORDS = 64


@dataclass(frozen=True)
class Kinship:
    """``kind`` is "morpheme" (kin: the same thing in other words) or None; ``contrast`` marks two words that
    name different things (then ``kind`` is None)."""

    kind: str | None = None
    contrast: bool = False


NONE = Kinship()
CONTRAST = Kinship(contrast=True)


class Kin:
    """Kinship of words with one thesaurus (its Cilin switch and its listed aspect words)."""

    def __init__(self, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus
        self.relate = lru_cache(maxsize=100_000)(self._relate)

    def _codes(self, word: str) -> tuple[str, ...]:
        return cilin_codes(word) if self.thesaurus.cilin else ()

    def _relate(self, a: str, b: str) -> Kinship:
        if a == b:
            return NONE
        if b < a:  # symmetric: one cache entry per pair of words
            return self.relate(b, a)
        aspects = self.thesaurus.aspects
        aspect_a, aspect_b = a in aspects, b in aspects
        codes_a, codes_b = self._codes(a), self._codes(b)
        shared = set(codes_a) & set(codes_b)
        if any(code.endswith("#") for code in shared) and not any(code.endswith("=") for code in shared):
            # kinds of one thing (预算/决算): other aspects when one of them is an aspect, else nothing said
            return CONTRAST if aspect_a or aspect_b else NONE
        alone = _stands_alone(codes_a) or _stands_alone(codes_b)
        kind = None if alone else self._kind(a, b, codes_a, codes_b, vouched=aspect_a and aspect_b)
        if aspect_a and aspect_b and kind is None:
            # two listed aspects: those Cilin puts together, and a word and its derivation (信息 / 信息化), are
            # left to the scopes; the others are two aspects of one subject
            derived = a in b or b in a
            return NONE if derived or (not alone and self._near(codes_a, codes_b)) else CONTRAST
        return Kinship(kind) if kind else NONE

    def keys(self, word: str) -> tuple[str, ...]:
        """Keys that a word shares with every word it may be kin to (see :func:`kindred`)."""
        codes = self._codes(word)
        if _stands_alone(codes):
            return ()
        return tuple(f"c{char}" for char in word) if len(word) == 2 else ()

    def _kind(self, a: str, b: str, codes_a: tuple[str, ...], codes_b: tuple[str, ...], vouched: bool) -> str | None:
        """"morpheme" when the two words share a morpheme the way synonyms do (see the module), else None;
        ``vouched``: only where Cilin knows both words (two listed aspects)."""
        if len(a) != 2 or len(b) != 2 or a[1] == b[1] or len(set(a) & set(b)) != 1:
            return None  # a shared last character: the head of two modifier-head compounds (预算 / 决算)
        classes_a, classes_b = {x[:2] for x in codes_a}, {y[:2] for y in codes_b}
        if codes_a and codes_b and not classes_a & classes_b:
            return None  # Cilin knows both words and files them in different classes (节能 / 节水)
        if not (is_verb(a) and is_verb(b)):
            return None  # nouns sharing a character are mostly kinds of a thing (用车 / 用房, 物业 / 物资)
        if a[0] == b[0] and not vouched:
            return "morpheme"
        # crosswise (维修 / 修缮), or two listed aspects: only where Cilin knows both words and files them in one class
        return "morpheme" if classes_a & classes_b else None

    def _near(self, codes_a: tuple[str, ...], codes_b: tuple[str, ...]) -> bool:
        """Cilin lists the two words in one equal group or in one word group (配置 / 配备, 评价 / 评估)."""
        return any(x[:5] == y[:5] and (x == y or "@" not in (x[-1], y[-1])) for x in codes_a for y in codes_b)


def _stands_alone(codes: Sequence[str]) -> bool:
    """Cilin lists the word only as a word standing alone (``@``): it says the word has no synonym (调度)."""
    return bool(codes) and all(code.endswith("@") for code in codes)


@lru_cache(maxsize=200_000)  # per pair of subjects: the same two subjects recur in region after region
def substitution(a: str, b: str) -> tuple[str, str] | None:
    """The one word in which two subjects differ, as (word of ``a``, word of ``b``), else None.

    The characters the two share at the start and at the end are set aside, and the differing middle is widened
    to whole words on both sides (jieba): 办公用房维修 / 办公用房修缮 → (维修, 修缮). None when the rest is shorter
    than two characters or either word is longer than four (more than one word differs)."""
    if a == b:
        return None
    prefix, suffix = common_ends(a, b)
    ends_a, ends_b = _boundaries(a), _boundaries(b)
    start = prefix
    while start > 0 and not (start in ends_a and start in ends_b):
        start -= 1
    end_a, end_b = len(a) - suffix, len(b) - suffix
    while end_a < len(a) and not (end_a in ends_a and end_b in ends_b):
        end_a, end_b = end_a + 1, end_b + 1
    word_a, word_b = a[start:end_a], b[start:end_b]
    if not word_a or not word_b or len(word_a) > _MAX_WORD or len(word_b) > _MAX_WORD:
        return None
    if len(a) - len(word_a) < 2:
        return None
    return word_a, word_b


@lru_cache(maxsize=100_000)
def _boundaries(text: str) -> frozenset[int]:
    """Offsets where a word of ``text`` starts or ends."""
    ends, offset = {0}, 0
    for word in words(text):
        offset += len(word)
        ends.add(offset)
    return frozenset(ends)


def kindred(cores: Iterable[str], kin: Kin, limit: int = 50) -> Iterator[tuple[str, str]]:
    """Pairs of subjects that are the same but for one word, the two words kin (巡查 / 巡检, 维修 / 修缮): the
    candidates a title's characters alone would miss (办公用房维修 / 办公用房修缮 share few bigrams).

    Each subject is indexed by its words with one word replaced by a key its kin share — each of its characters
    (two-character words), its Cilin word groups — so that only subjects colliding on the rest of the title are
    compared, by :meth:`Kin.relate`; a bucket pairs each subject with at most ``limit`` others."""
    buckets: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for core in cores:
        parts = words(core)
        if len(parts) > MAX_SUBJECT_WORDS:
            continue
        for at, word in enumerate(parts):
            if not 2 <= len(word) <= _MAX_WORD:
                continue
            head, tail = "".join(parts[:at]), "".join(parts[at + 1 :])
            if len(head) + len(tail) < 2:
                continue
            for key in kin.keys(word):
                buckets[(head, tail, key)].append((core, word))
    seen: set[tuple[str, str]] = set()
    for members in buckets.values():
        for x, (first, word_a) in enumerate(members):
            for second, word_b in members[x + 1 : x + 1 + limit]:
                pair = (first, second) if first < second else (second, first)
                if first != second and pair not in seen and kin.relate(word_a, word_b).kind:
                    seen.add(pair)
                    yield pair

"""Scoring a pair of standards: title, subject, scope and context, with the evidence that carried it.

The score is in [0, 1]:

* ``subject`` – rapidfuzz's normalised Indel similarity (``fuzz.ratio``) between the two subjects as sequences of
  character bigrams, so that one differing word costs a whole word, not one character
  (公务用车处置 vs 公务用车购置 = 0.6, where a character ratio would say 0.83);
* ``title`` – ``fuzz.ratio`` of the full normalised titles, generic words included (they weigh little);
* ``title score`` = ``subject_weight`` × subject + (1 − ``subject_weight``) × title, multiplied by
  ``aspect_penalty`` when the two subjects name different aspects (配备 vs 运行维护), and by
  ``substitution_penalty`` when each subject has words the other lacks (礼堂装修 vs 食堂装修) rather than one
  containing the other (公务用车 ⊂ 一般公务用车: a narrower standard on the same subject). Before scoring, the
  two subjects are aligned (:class:`Aligner`): an abbreviation is written as its long form's short form
  (环保 ≈ 环境保护) and a thesaurus synonym as the other title's word (修缮 ≈ 修理); the better of the plain and
  the aligned title score counts.
* ``scope`` – TF-IDF cosine of the two scopes (:mod:`gbstd.similarity.scope`). Scope raises a score in two ways:
  ``(1 − w) × title score + w × scope`` always; and when the titles are *compatible* — no different aspect
  words, one subject containing the other (a qualifier: 日常保洁 ⊃ 保洁) — and the scopes are nearly the same
  (≥ ``scope_threshold``; ≥ ``scope_substitution_threshold`` when each subject has a word the other lacks), the
  scope carries the pair: score = scope similarity. Two standards of different modules are never carried by
  their scopes, and neither are two subjects one word apart whose words are a known contrast (预算 / 决算).
* one word apart – when the (aligned) subjects differ in one word only (办公用房维修 / 办公用房修缮,
  :func:`gbstd.similarity.kinship.substitution`), the scopes are read for that word
  (:func:`gbstd.similarity.scope.word_swap`): a scope *copied* from the other standard (it does not follow its
  own title's word) and at least ``scope_substitution_threshold`` alike carries the pair unless the two words are
  a known contrast (two aspects: 购置 / 维修); scopes that each name their own word and are otherwise that alike
  carry it only when the words are kin (two verbs sharing a morpheme that Cilin's classes do not contradict). Either way the score is
  ``SWAP_FACTOR`` × how alike the scopes are: one word in the title stays unexplained by the title itself.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from gbstd.similarity.abbreviation import expand
from gbstd.similarity.kinship import Kin, substitution
from gbstd.similarity.normalise import bigrams
from gbstd.similarity.scope import scope_similarity, word_swap
from gbstd.similarity.segment import is_modifier, words
from gbstd.similarity.subject import Subject, SubjectExtractor
from gbstd.similarity.thesaurus import Thesaurus

# A subject with one qualifier more (日常保洁 / 保洁) scores this share of the same subject: reported, but below
# the titles that say the same thing in other words.
QUALIFIER_FACTOR = 0.9
# A pair carried by its scope across one differing word of the titles scores this share of the scopes' likeness.
SWAP_FACTOR = 0.9


@dataclass(frozen=True)
class Weights:
    subject_weight: float = 0.8
    aspect_penalty: float = 0.85
    substitution_penalty: float = 0.9
    scope_weight: float = 0.25
    scope_threshold: float = 0.85
    scope_substitution_threshold: float = 0.9


@dataclass(frozen=True)
class Note:
    """One word the alignment treated as another: ``kind`` is abbreviation, cilin (thesaurus), catalog
    (the catalog's synonyms), order (``word`` and ``other`` are the two subjects), qualifier (``word`` only
    qualifies the subject ``other``), or — the titles one word apart, the scopes deciding — morpheme (the two
    words are kin, :mod:`gbstd.similarity.kinship`) or copied-scope (a scope copied from the other standard)."""

    kind: str
    word: str
    other: str


@dataclass(frozen=True)
class PairScore:
    score: float
    subject: float
    title: float
    scope: float | None
    aspects_differ: bool
    substituted: bool = False
    notes: tuple[Note, ...] = ()
    carried_by_scope: bool = False
    same_module: bool | None = None
    same_body: bool | None = None
    cores: tuple[str, str] = field(default=("", ""), compare=False)


def subject_similarity(a: Subject, b: Subject) -> float:
    if a.core == b.core:
        return 1.0
    return float(fuzz.ratio(a.grams, b.grams)) / 100.0


def substituted(a: Subject, b: Subject) -> bool:
    """True when each subject has words the other lacks (礼堂… vs 食堂…), rather than one containing the other
    (一般公务用车 ⊃ 公务用车): the shorter subject is then not a subsequence of the longer one."""
    return LCSseq.similarity(a.core, b.core) < min(len(a.core), len(b.core))


def aspects_conflict(a: Subject, b: Subject) -> bool:
    """Each subject names an aspect the other lacks (购置 vs 维修): a different subject, whatever the scope.

    One subject naming more aspects than the other (人员考核 vs 人员) is a narrower title, not a conflict."""
    return bool(a.aspects - b.aspects and b.aspects - a.aspects)


def title_score(a: Subject, b: Subject, weights: Weights, subject: float | None = None) -> tuple[float, float, bool, bool]:
    """(title score, full-title similarity, aspects differ, substituted) – everything but the scope."""
    subject = subject_similarity(a, b) if subject is None else subject
    title = 1.0 if a.full == b.full else float(fuzz.ratio(a.full, b.full)) / 100.0
    score = weights.subject_weight * subject + (1 - weights.subject_weight) * title
    differ = a.aspects != b.aspects
    if differ:
        score *= weights.aspect_penalty
    swapped = a.core != b.core and substituted(a, b)
    if swapped:
        score *= weights.substitution_penalty
    return score, title, differ, swapped


class Aligner:
    """Makes two subjects comparable word by word: abbreviations by rule, synonyms from the thesaurus."""

    def __init__(self, extractor: SubjectExtractor, thesaurus: Thesaurus | None, abbreviations: bool = True,
                 generic: Container[str] = ()) -> None:
        self.extractor = extractor
        self.thesaurus = thesaurus
        self.abbreviations = abbreviations
        self.generic = generic
        self.thesaurus_key = thesaurus.key if thesaurus is not None else None
        self.kin = Kin(thesaurus) if thesaurus is not None else None
        self._cache: dict[tuple[str, str], tuple[str, str, tuple[Note, ...]]] = {}

    def cores(self, a: str, b: str) -> tuple[str, str, tuple[Note, ...]]:
        """The two cores rewritten so that equal words are spelt alike, and what was rewritten."""
        key = (a, b)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._align(a, b)
        return found

    def _align(self, a: str, b: str) -> tuple[str, str, tuple[Note, ...]]:
        notes: list[Note] = []
        if self.abbreviations:
            found = expand(a, b, self.generic)
            if found:
                short, long = found
                a, b = a.replace(long, short), b.replace(long, short)
                notes.append(Note("abbreviation", short, long))
        if a != b and self.thesaurus is not None:
            words_a, words_b = words(a), words(b)
            only_a = [w for w in words_a if w not in words_b and len(w) >= 2]
            for word in (w for w in words_b if w not in words_a and len(w) >= 2):
                for other in only_a:
                    source = self.thesaurus.source(word, other)
                    if source:
                        b = b.replace(word, other)
                        notes.append(Note(source, word, other))
                        only_a.remove(other)
                        break
        if a != b and sorted(words(a)) == sorted(words(b)):  # the same words in another order
            notes.append(Note("order", b, a))
            b = a
        if a != b:
            found = self.qualifier(a, b)
            if found:
                word, longer = found
                notes.append(Note("qualifier", word, longer))
                a = b = a if len(a) < len(b) else b
        return a, b, tuple(notes)

    def qualifier(self, a: str, b: str) -> tuple[str, str] | None:
        """(word, longer subject) when the longer subject is the shorter one with one word put before another.

        Chinese compounds are head-final: a word inserted before another qualifies it (日常保洁 ⊃ 保洁, 综合安保 ⊃
        安保), a word appended at the end names another thing (配备审批, 维修保养) — unless it is a word that
        cannot name a thing, a modifier by jieba's part of speech (日常, 临时, 一般: it qualified the generic word
        that followed it in the title, 会议室日常管理). An aspect or generic word, or a one-character word, is
        never a qualifier."""
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        parts = words(longer)
        for at, word in enumerate(parts):
            if at == len(parts) - 1 and not is_modifier(word):
                continue
            if "".join((*parts[:at], *parts[at + 1 :])) == shorter:
                if len(word) < 2 or word in self.generic or self.extractor.aspects_of(word):
                    return None
                return word, longer
        return None

    def contrast(self, a: str, b: str) -> bool:
        """True when subjects ``a`` and ``b`` differ in one word and the two words are a known contrast
        (预算 / 决算: :mod:`gbstd.similarity.kinship`): then no scope, however alike, makes them one standard."""
        found = substitution(a, b) if self.kin is not None else None
        return found is not None and self.kin is not None and self.kin.relate(*found).contrast

    def swap(self, a: str, b: str, scope_a: str, scope_b: str, threshold: float) -> tuple[Note, float] | None:
        """(note, scope likeness) when subjects ``a`` and ``b`` differ in one word and their scopes carry the pair
        across it (see the module's "one word apart"), else None."""
        if self.kin is None or not scope_a or not scope_b:
            return None
        found = substitution(a, b)
        if found is None:
            return None
        word_a, word_b = found
        if word_a in self.generic or word_b in self.generic:
            return None
        kinship = self.kin.relate(word_a, word_b)
        if kinship.contrast:
            return None
        how, alike = word_swap(scope_a, scope_b, word_a, word_b)
        if alike < threshold:
            return None
        if how == "copied":
            return Note("copied-scope", word_a, word_b), alike
        if how == "own" and kinship.kind == "morpheme":
            return Note(kinship.kind, word_a, word_b), alike
        return None

    def align(self, a: Subject, b: Subject) -> tuple[Subject, Subject, tuple[Note, ...]]:
        if a.core == b.core:
            return a, b, ()
        core_a, core_b, notes = self.cores(a.core, b.core)
        if not notes:
            return a, b, ()
        return self._rebuild(a, core_a, notes), self._rebuild(b, core_b, notes), notes

    def _rebuild(self, subject: Subject, core: str, notes: tuple[Note, ...]) -> Subject:
        if core == subject.core:
            return subject
        full = subject.full
        for note in notes:  # abbreviations are written short, synonyms as the first subject's word
            full = full.replace(note.other, note.word) if note.kind == "abbreviation" else full.replace(note.word, note.other)
        return replace(subject, core=core, full=full, aspects=self.extractor.aspects_of(core), grams=tuple(bigrams(core)))


@dataclass(frozen=True)
class Context:
    """What the two records say besides title and scope similarity: same module, same issuing/administering
    body, and the two scope texts (as :func:`gbstd.similarity.normalise.scope_text`) where both have one."""

    same_module: bool | None = None
    same_body: bool | None = None
    scopes: tuple[str, str] | None = None


def finish(
    a: Subject, b: Subject, scope: float | None, weights: Weights, aligner: Aligner | None = None,
    context: Context = Context(), plain: tuple[float, float, float, bool, bool] | None = None,
) -> PairScore:
    """The full score of a pair; ``plain`` = (subject, title score, title, differ, swapped) when already known."""
    if plain is None:
        subject = subject_similarity(a, b)
        plain = (subject, *title_score(a, b, weights, subject))
    subject, base, title, differ, swapped = plain
    notes: tuple[Note, ...] = ()
    aligned_a, aligned_b = a, b
    if aligner is not None and a.core != b.core:
        aligned_a, aligned_b, notes = aligner.align(a, b)
        if notes:
            aligned_subject = subject_similarity(aligned_a, aligned_b)
            aligned = title_score(aligned_a, aligned_b, weights, aligned_subject)
            if any(n.kind == "qualifier" for n in notes):  # a qualified subject is narrower, not the same
                aligned = (aligned[0] * QUALIFIER_FACTOR, *aligned[1:])
            if aligned[0] > base:
                subject, (base, title, differ, swapped) = aligned_subject, aligned
            else:
                notes, aligned_a, aligned_b = (), a, b
    score, carried = base, False
    if scope is not None:
        score = max(base, (1 - weights.scope_weight) * base + weights.scope_weight * scope)
        needed = weights.scope_substitution_threshold if swapped else weights.scope_threshold
        if scope >= needed and scope > score and not aspects_conflict(aligned_a, aligned_b) \
                and context.same_module is not False \
                and not (aligner is not None and aligner.contrast(aligned_a.core, aligned_b.core)):
            score, carried = scope, True
    if aligner is not None and context.scopes is not None and aligned_a.core != aligned_b.core \
            and context.same_module is not False:
        found = aligner.swap(aligned_a.core, aligned_b.core, *context.scopes, weights.scope_substitution_threshold)
        if found is not None and SWAP_FACTOR * found[1] > score:
            score, carried, notes = SWAP_FACTOR * found[1], True, (*notes, found[0])
    return PairScore(round(min(score, 1.0), 3), subject, title, scope, differ, swapped, notes, carried,
                     context.same_module, context.same_body, (aligned_a.core, aligned_b.core))


def score_pair(
    a: Subject, b: Subject, scope_a: str = "", scope_b: str = "", weights: Weights | None = None,
    subject: float | None = None, aligner: Aligner | None = None, context: Context = Context(),
) -> PairScore:
    """The full score of two records' subjects and scopes (as :func:`gbstd.similarity.normalise.scope_text`)."""
    weights = weights or Weights()
    subject_value = subject_similarity(a, b) if subject is None else subject
    plain = (subject_value, *title_score(a, b, weights, subject_value))
    if scope_a and scope_b and context.scopes is None:
        context = replace(context, scopes=(scope_a, scope_b))
    return finish(a, b, scope_similarity(scope_a, scope_b), weights, aligner, context, plain)


def best_possible(subject: float, aspects_differ: bool, weights: Weights, swapped: bool = False) -> float:
    """An upper bound of the score from the subjects alone (title and scope taken as perfect, no alignment)."""
    base = weights.subject_weight * subject + (1 - weights.subject_weight)
    if aspects_differ:
        base *= weights.aspect_penalty
    if swapped:
        base *= weights.substitution_penalty
    return max(base, (1 - weights.scope_weight) * base + weights.scope_weight)


def lowest_subject(min_score: float, weights: Weights) -> float:
    """The smallest subject similarity that can still reach ``min_score`` (title and scope perfect)."""
    floor = (min_score - weights.scope_weight) / (1 - weights.scope_weight) if weights.scope_weight < 1 else 0.0
    floor = min(floor, min_score)
    if weights.subject_weight == 0:
        return 0.0
    return max(0.0, (floor - (1 - weights.subject_weight)) / weights.subject_weight)

"""Scoring a pair of titles (and scopes) with rapidfuzz.

The score is in [0, 1]:

* ``subject`` – rapidfuzz's normalised Indel similarity (``fuzz.ratio``) between the two subjects as sequences of
  character bigrams, so that one differing word costs a whole word, not one character
  (公务用车处置 vs 公务用车购置 = 0.6, where a character ratio would say 0.83);
* ``title`` – ``fuzz.ratio`` of the full normalised titles, generic words included (they weigh little);
* ``title score`` = ``subject_weight`` × subject + (1 − ``subject_weight``) × title, multiplied by
  ``aspect_penalty`` when the two subjects name different aspects (配备 vs 运行维护), and by
  ``substitution_penalty`` when each subject has words the other lacks (礼堂装修 vs 食堂装修) rather than one
  containing the other (公务用车 ⊂ 一般公务用车: a narrower standard on the same subject);
* ``scope`` – ``fuzz.token_set_ratio`` of the two scopes' bigram sets (boilerplate removed). Scope only ever
  raises the score: ``max(title score, (1 − w) × title score + w × scope)``; scopes are written too
  differently to count against a pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from gbstd.similarity.normalise import bigrams
from gbstd.similarity.subject import Subject


@dataclass(frozen=True)
class Weights:
    subject_weight: float = 0.8
    aspect_penalty: float = 0.85
    substitution_penalty: float = 0.9
    scope_weight: float = 0.25


@dataclass(frozen=True)
class PairScore:
    score: float
    subject: float
    title: float
    scope: float | None
    aspects_differ: bool
    substituted: bool = False


def subject_similarity(a: Subject, b: Subject) -> float:
    if a.core == b.core:
        return 1.0
    return float(fuzz.ratio(a.grams, b.grams)) / 100.0


def scope_grams(scope: str) -> str:
    """A normalised scope as its sorted, space-separated set of bigrams (what ``scope_similarity`` compares)."""
    return " ".join(sorted(set(bigrams(scope))))


def scope_similarity(a: str, b: str) -> float | None:
    """Similarity of two scopes given as :func:`scope_grams`, or None when either is missing."""
    if not a or not b:
        return None
    return float(fuzz.token_set_ratio(a, b)) / 100.0


def substituted(a: Subject, b: Subject) -> bool:
    """True when each subject has words the other lacks (礼堂… vs 食堂…), rather than one containing the other
    (一般公务用车 ⊃ 公务用车): the shorter subject is then not a subsequence of the longer one."""
    return LCSseq.similarity(a.core, b.core) < min(len(a.core), len(b.core))


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


def score_pair(
    a: Subject, b: Subject, scope_a: str = "", scope_b: str = "", weights: Weights | None = None,
    subject: float | None = None,
) -> PairScore:
    """The full score of two records' subjects and scopes (as :func:`scope_grams`)."""
    weights = weights or Weights()
    subject_value = subject_similarity(a, b) if subject is None else subject
    base, title, differ, swapped = title_score(a, b, weights, subject_value)
    scope = scope_similarity(scope_a, scope_b)
    score = base if scope is None else max(base, (1 - weights.scope_weight) * base + weights.scope_weight * scope)
    return PairScore(round(min(score, 1.0), 3), subject_value, title, scope, differ, swapped)


def best_possible(subject: float, aspects_differ: bool, weights: Weights, swapped: bool = False) -> float:
    """An upper bound of the score from the subjects alone (title and scope taken as perfect)."""
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

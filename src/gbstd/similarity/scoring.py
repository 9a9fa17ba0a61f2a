"""Scoring a pair of titles (and scopes) with rapidfuzz.

The score is in [0, 1]:

* ``subject`` – rapidfuzz's normalised Indel similarity (``fuzz.ratio``) between the two subjects as sequences of
  character bigrams, so that one differing word costs a whole word, not one character
  (公务用车处置 vs 公务用车购置 = 0.6, where a character ratio would say 0.83);
* ``title`` – ``fuzz.ratio`` of the full normalised titles, generic words included (they weigh little);
* ``title score`` = ``subject_weight`` × subject + (1 − ``subject_weight``) × title, multiplied by
  ``aspect_penalty`` when the two subjects name different aspects (配备 vs 运行维护);
* ``scope`` – ``fuzz.token_set_ratio`` of the two scopes' bigram sets (boilerplate removed). Scope only ever
  raises the score: ``max(title score, (1 − w) × title score + w × scope)``; scopes are written too
  differently to count against a pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from gbstd.similarity.normalise import bigrams
from gbstd.similarity.subject import Subject


@dataclass(frozen=True)
class Weights:
    subject_weight: float = 0.8
    aspect_penalty: float = 0.85
    scope_weight: float = 0.25


@dataclass(frozen=True)
class PairScore:
    score: float
    subject: float
    title: float
    scope: float | None
    aspects_differ: bool


def subject_similarity(a: Subject, b: Subject) -> float:
    if a.core == b.core:
        return 1.0
    return float(fuzz.ratio(bigrams(a.core), bigrams(b.core))) / 100.0


def scope_similarity(a: str, b: str) -> float | None:
    """Similarity of two boilerplate-free scopes, or None when either is missing."""
    if not a or not b:
        return None
    grams_a = " ".join(sorted(set(bigrams(a))))
    grams_b = " ".join(sorted(set(bigrams(b))))
    return float(fuzz.token_set_ratio(grams_a, grams_b)) / 100.0


def title_score(a: Subject, b: Subject, weights: Weights, subject: float | None = None) -> tuple[float, float, bool]:
    """(title score, full-title similarity, aspects differ) – everything but the scope."""
    subject = subject_similarity(a, b) if subject is None else subject
    title = 1.0 if a.full == b.full else float(fuzz.ratio(a.full, b.full)) / 100.0
    score = weights.subject_weight * subject + (1 - weights.subject_weight) * title
    differ = a.aspects != b.aspects
    if differ:
        score *= weights.aspect_penalty
    return score, title, differ


def score_pair(
    a: Subject, b: Subject, scope_a: str = "", scope_b: str = "", weights: Weights | None = None,
    subject: float | None = None,
) -> PairScore:
    """The full score of two records' subjects and (normalised) scopes."""
    weights = weights or Weights()
    subject_value = subject_similarity(a, b) if subject is None else subject
    base, title, differ = title_score(a, b, weights, subject_value)
    scope = scope_similarity(scope_a, scope_b)
    score = base if scope is None else max(base, (1 - weights.scope_weight) * base + weights.scope_weight * scope)
    return PairScore(round(min(score, 1.0), 3), subject_value, title, scope, differ)


def best_possible(subject: float, aspects_differ: bool, weights: Weights) -> float:
    """An upper bound of the score from the subject similarity alone (title and scope taken as perfect)."""
    base = weights.subject_weight * subject + (1 - weights.subject_weight)
    if aspects_differ:
        base *= weights.aspect_penalty
    return max(base, (1 - weights.scope_weight) * base + weights.scope_weight)

"""Scope (适用范围) evidence: TF-IDF similarity of scope texts and candidate pairs from scopes.

Scopes are compared after their sentence frame is removed (:func:`gbstd.similarity.normalise.scope_text`), as
TF-IDF vectors of character 2–3-grams (:mod:`gbstd.similarity.tfidf`) fitted on the run's own distinct
scopes, so wording that most scopes of the catalog share (党政机关, 管理, 适用…) weighs little and the words
that name the subject weigh a lot; similarity is the cosine of two vectors. Candidate pairs come from scopes
too: identical scopes by hashing, near ones by MinHash LSH over their character-bigram sets (the same banded
signatures as titles, :mod:`gbstd.similarity.candidates`), so two standards with the same scope are compared
however differently their titles are worded. Province and city names are left out of both (a scope copied into
another region's standard names the other region: that is no difference of subject).

:func:`word_swap` reads two scopes for the one word in which their titles differ (维修 / 修缮): scopes that each
name their own title's word are the same text with that word swapped — they confirm the rest of the title and
no more, so the word itself must be shown to mean the same thing (:mod:`gbstd.similarity.kinship`); a scope
that does not follow its title's word was copied, and a copy is evidence that the two are one standard.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz

from gbstd.similarity.candidates import banding, candidate_pairs, signatures
from gbstd.similarity.normalise import bigrams
from gbstd.similarity.subject import strip_regions
from gbstd.similarity.tfidf import TfidfMatrix


class ScopeIndex:
    """The distinct scope texts of a run, as TF-IDF vectors; record scopes map to rows by :meth:`row`."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._rows: dict[str, int] = {}
        for text in texts:
            if text and text not in self._rows:
                self._rows[text] = len(self._rows)
        self.texts = list(self._rows)
        self._fitted = False
        self._matrix: TfidfMatrix | None = None

    def _fit(self) -> TfidfMatrix | None:
        """The TF-IDF rows, fitted on first use: a run that scores no pair with two scopes (an incremental
        lint that reuses every component but a small one) does not need them."""
        if not self._fitted:
            self._fitted = True
            if self.texts:
                self._matrix = TfidfMatrix([strip_regions(t) for t in self.texts])  # rows are L2-normalised
        return self._matrix

    def row(self, text: str) -> int:
        """The row of a scope text, -1 when it is empty."""
        return self._rows.get(text, -1) if text else -1

    def similarity(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Cosine similarity of rows ``left[k]`` and ``right[k]``; NaN where either is -1 (no scope)."""
        out = np.full(len(left), np.nan)
        if not self.texts or not len(left):
            return out
        known = np.flatnonzero((left >= 0) & (right >= 0))
        same = known[left[known] == right[known]]
        out[same] = 1.0
        other = known[left[known] != right[known]]
        matrix = self._fit() if len(other) else None
        for start in range(0, len(other), 50_000):  # bounded temporaries (and the float32 sums' grouping)
            part = other[start : start + 50_000]
            assert matrix is not None
            out[part] = np.minimum(matrix.cosine(left[part], right[part]), 1.0)
        return out

    def candidates(self, jaccard: float, num_perm: int) -> np.ndarray:
        """Pairs of rows (i < j) whose bigram sets MinHash LSH puts in one bucket; shape (n, 2)."""
        if len(self.texts) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        matrix = signatures([bigrams(strip_regions(t)) for t in self.texts], num_perm)
        return candidate_pairs(matrix, *banding(jaccard, num_perm))


def scope_similarity(a: str, b: str) -> float | None:
    """Similarity of two scope texts on their own (IDF from the two), or None when either is missing."""
    if not a or not b:
        return None
    if a == b:
        return 1.0
    index = ScopeIndex([a, b])
    return float(index.similarity(np.array([0]), np.array([1]))[0])


def word_swap(a: str, b: str, word_a: str, word_b: str) -> tuple[str, float]:
    """How two scope texts (as :func:`gbstd.similarity.normalise.scope_text`) of titles that differ in
    ``word_a`` / ``word_b`` treat that word: ("own", likeness) when each scope names its own title's word more
    often than the other scope does (written from its own title), ("copied", likeness) when the two name both
    words equally often (none of them, or the same ones: a copy), else ("", 0.0).

    Likeness is rapidfuzz's ``ratio`` in [0, 1] of the texts without region names, ``word_a`` written as
    ``word_b`` in the first for "own"."""
    a, b = strip_regions(a), strip_regions(b)
    more_a = a.count(word_a) - b.count(word_a)
    more_b = b.count(word_b) - a.count(word_b)
    if more_a > 0 and more_b > 0:
        return "own", float(fuzz.ratio(a.replace(word_a, word_b), b)) / 100.0
    if more_a == 0 and more_b == 0:
        return "copied", float(fuzz.ratio(a, b)) / 100.0
    return "", 0.0

"""Scope (适用范围) evidence: TF-IDF similarity of scope texts and candidate pairs from scopes.

Scopes are compared after their sentence frame is removed (:func:`gbstd.similarity.normalise.scope_text`), as
TF-IDF vectors of character 2–3-grams (scikit-learn's ``TfidfVectorizer``) fitted on the run's own distinct
scopes, so wording that most scopes of the catalog share (党政机关, 管理, 适用…) weighs little and the words
that name the subject weigh a lot; similarity is the cosine of two vectors. Candidate pairs come from scopes
too: identical scopes by hashing, near ones by MinHash LSH over their character-bigram sets (the same banded
signatures as titles, :mod:`gbstd.similarity.candidates`), so two standards with the same scope are compared
however differently their titles are worded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gbstd.similarity.candidates import banding, candidate_pairs, signatures
from gbstd.similarity.normalise import bigrams


class ScopeIndex:
    """The distinct scope texts of a run, as TF-IDF vectors; record scopes map to rows by :meth:`row`."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._rows: dict[str, int] = {}
        for text in texts:
            if text and text not in self._rows:
                self._rows[text] = len(self._rows)
        self.texts = list(self._rows)
        self._matrix = None
        if self.texts:
            # Imported here: scikit-learn (with SciPy) takes about a second to import, which every command
            # would pay at start-up although only duplicate detection needs it.
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32)
            self._matrix = vectoriser.fit_transform(self.texts).tocsr()  # rows are L2-normalised

    def row(self, text: str) -> int:
        """The row of a scope text, -1 when it is empty."""
        return self._rows.get(text, -1) if text else -1

    def similarity(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Cosine similarity of rows ``left[k]`` and ``right[k]``; NaN where either is -1 (no scope)."""
        out = np.full(len(left), np.nan)
        if self._matrix is None or not len(left):
            return out
        known = np.flatnonzero((left >= 0) & (right >= 0))
        same = known[left[known] == right[known]]
        out[same] = 1.0
        other = known[left[known] != right[known]]
        for start in range(0, len(other), 50_000):  # bounded temporaries
            part = other[start : start + 50_000]
            product = self._matrix[left[part]].multiply(self._matrix[right[part]])
            out[part] = np.minimum(np.asarray(product.sum(axis=1)).ravel(), 1.0)
        return out

    def candidates(self, jaccard: float, num_perm: int) -> np.ndarray:
        """Pairs of rows (i < j) whose bigram sets MinHash LSH puts in one bucket; shape (n, 2)."""
        if len(self.texts) < 2:
            return np.zeros((0, 2), dtype=np.int64)
        matrix = signatures([bigrams(t) for t in self.texts], num_perm)
        return candidate_pairs(matrix, *banding(jaccard, num_perm))


def scope_similarity(a: str, b: str) -> float | None:
    """Similarity of two scope texts on their own (IDF from the two), or None when either is missing."""
    if not a or not b:
        return None
    if a == b:
        return 1.0
    index = ScopeIndex([a, b])
    return float(index.similarity(np.array([0]), np.array([1]))[0])

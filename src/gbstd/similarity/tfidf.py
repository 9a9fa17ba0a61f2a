"""TF-IDF of character 2–3-grams with numpy alone, equal bit for bit to what duplicate detection used to get from
scikit-learn: ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32)`` (so
lowercase, whitespace runs collapsed to one space, smooth idf, ``1 + log(tf)``, L2-normalised rows) and the
cosine of two rows as SciPy computes ``matrix[left].multiply(matrix[right]).sum(axis=1)``.

Why not scikit-learn: importing it (with SciPy) costs about a second, more than a whole fit on a national
catalog's scopes. Why bit for bit: the cosine of two scopes that differ only in region names is 1 up to float32
rounding, and whether that rounds to 0.99999994 or 1.0 shows in a report (适用范围 99% / 100% 相同); so the
float32 operations are done in scikit-learn's and SciPy's order, not in a "better" one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_WHITESPACE = re.compile(r"\s\s+")  # scikit-learn's own pattern: a run of two or more becomes one space
_SHIFT = 21  # bits of a code point; an n-gram's key is its code points (+1) side by side, 0 for "none"


def _before(counts: np.ndarray) -> np.ndarray:
    """Exclusive running sum: where each run of ``counts`` starts."""
    return np.cumsum(counts) - counts


def _keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every character 2-gram and 3-gram of every text, as (document, key) in scikit-learn's order: document by
    document, each document's 2-grams by position, then its 3-grams. Keys order as the n-grams' strings do
    (a 2-gram before the 3-grams it begins)."""
    docs = [_WHITESPACE.sub(" ", text.lower()) for text in texts]
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    points = np.frombuffer("".join(docs).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
    starts = _before(lengths)
    doc_parts: list[np.ndarray] = []
    key_parts: list[np.ndarray] = []
    for n in (2, 3):
        counts = np.maximum(lengths - n + 1, 0)
        doc = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
        # position in ``points`` of each n-gram's first character
        at = np.repeat(starts - _before(counts), counts) + np.arange(len(doc), dtype=np.int64)
        key = (points[at] << (2 * _SHIFT)) | (points[at + 1] << _SHIFT)
        if n == 3:
            key |= points[at + 2]
        doc_parts.append(doc)
        key_parts.append(key)
    doc = np.concatenate(doc_parts)
    order = np.argsort(doc, kind="stable")  # document by document, 2-grams before 3-grams
    return doc[order], np.concatenate(key_parts)[order]


class TfidfMatrix:
    """L2-normalised TF-IDF rows of ``texts`` in CSR form (``indptr``, ``indices``, ``data`` float32), each row's
    entries in scikit-learn's storage order; columns are the n-grams in string order."""

    def __init__(self, texts: Sequence[str]) -> None:
        rows = len(texts)
        doc, key = _keys(texts)
        # column = rank of the n-gram's string; "provisional" id = order of first appearance (scikit-learn
        # numbers n-grams as it meets them, sorts each row by that number, then renames to string order)
        vocabulary, first_seen, column = np.unique(key, return_index=True, return_inverse=True)
        size = len(vocabulary)
        provisional = np.empty(size, dtype=np.int64)
        provisional[np.argsort(first_seen, kind="stable")] = np.arange(size)
        entry, counts = np.unique(doc * max(size, 1) + provisional[column.reshape(-1)], return_counts=True)
        entry_doc, entry_provisional = np.divmod(entry, max(size, 1))
        by_provisional = np.empty(size, dtype=np.int64)
        by_provisional[provisional] = np.arange(size)
        self.indices = by_provisional[entry_provisional]
        self.indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(entry_doc, minlength=rows), out=self.indptr[1:])
        self.shape = (rows, size)

        data = counts.astype(np.float32)
        np.log(data, out=data)  # sublinear tf
        data += 1.0
        df = np.bincount(self.indices, minlength=size).astype(np.float32)
        df += 1.0  # smooth idf: as if one document held every n-gram
        idf = np.full_like(df, fill_value=rows + 1, dtype=np.float32)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        data *= idf[self.indices]
        self.data = data
        lengths = self._lengths = np.diff(self.indptr)
        self._normalise()
        row_of = np.repeat(np.arange(rows, dtype=np.int64), lengths)
        # rows whose columns rise strictly (SciPy multiplies two selections of such rows by a sorted merge)
        falls = np.zeros(len(self.indices), dtype=bool)
        falls[1:] = (self.indices[1:] <= self.indices[:-1]) & (row_of[1:] == row_of[:-1])
        self.canonical = np.bincount(row_of[falls], minlength=rows) == 0
        # every entry by (row, column), to look up the right row's value of a column
        keys = row_of * max(size, 1) + self.indices
        order = np.argsort(keys, kind="stable")
        self._sorted_keys, self._sorted_data = keys[order], self.data[order]

    def _normalise(self) -> None:
        """Each row divided by its L2 norm as scikit-learn's loop does it: float32 squares summed in float64 in
        storage order (so one position of every row at a time), each value divided in float64."""
        lengths = self._lengths
        order = np.argsort(-lengths, kind="stable")  # the rows still summing are a prefix of ``order``
        starts = self.indptr[:-1][order]
        remaining = -lengths[order]  # rising, for searchsorted
        total = np.zeros(len(order), dtype=np.float64)
        squares = (self.data * self.data).astype(np.float64)
        for position in range(int(-remaining[0]) if len(remaining) else 0):
            active = int(np.searchsorted(remaining, -position, side="left"))
            total[:active] += squares[starts[:active] + position]
        norms = np.empty(len(order), dtype=np.float64)
        norms[order] = np.sqrt(total)
        norms[norms == 0] = 1.0  # an empty row stays empty
        self.data = (self.data / np.repeat(norms, lengths)).astype(np.float32)

    def cosine(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """float32 dot product of rows ``left[k]`` and ``right[k]``, summed as SciPy sums the product of the two
        row selections: common columns in rising order when every selected row is canonical, else in the
        reverse of the left row's storage order; per pair with ``np.add.reduceat``."""
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        out = np.zeros(len(left), dtype=np.float32)
        if not len(left) or not len(self.indices):
            return out
        sorted_merge = bool(self.canonical[left].all() and self.canonical[right].all())
        lengths = self._lengths[left]
        pair = np.repeat(np.arange(len(left), dtype=np.int64), lengths)
        offset = np.arange(len(pair), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        starts = np.repeat(self.indptr[:-1][left], lengths)
        # SciPy's general path walks the left row's columns backwards
        at = starts + offset if sorted_merge else starts + np.repeat(lengths, lengths) - 1 - offset
        columns = self.indices[at]
        width = max(self.shape[1], 1)
        wanted = right[pair] * width + columns
        found = np.searchsorted(self._sorted_keys, wanted)
        found = np.minimum(found, len(self._sorted_keys) - 1)
        hit = self._sorted_keys[found] == wanted
        products = self.data[at[hit]] * self._sorted_data[found[hit]]
        owners = pair[hit]
        if not len(products):
            return out
        begins = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        out[owners[begins]] = np.add.reduceat(products, begins)
        return out

"""Candidate generation: which pairs of distinct subjects are worth scoring (sub-quadratic).

MinHash signatures of each subject's character-bigram set come from datasketch; its MinHashLSH picks the
banding (``b`` bands of ``r`` rows) that best separates pairs above and below the Jaccard threshold. The
banding itself is done here on the whole signature matrix with numpy (sort each band's row hashes, pair the
rows that share a bucket), which is one vectorised pass per band instead of a Python dict insert and query per
subject and band: at 100 000 subjects this is the difference between seconds and most of a minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# A band bucket holding more subjects than this is common wording, not a near-duplicate; it is skipped so that
# one crowded bucket cannot make the pass quadratic.
MAX_BUCKET = 500
_MIX = np.uint64(0x9E3779B97F4A7C15)


def signatures(gram_sets: Sequence[Sequence[str]], num_perm: int, chunk: int = 8192) -> np.ndarray:
    """The (subjects × num_perm) MinHash signature matrix (seeded: the same input gives the same matrix).

    Each distinct gram is hashed once by datasketch (a one-element MinHash); a set's signature is the
    element-wise minimum over its grams — exactly datasketch's own union (``MinHash.merge``) — taken with
    numpy in chunks instead of one Python-level MinHash per subject.
    """
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(g, len(vocabulary)) for g in dict.fromkeys(grams)] for grams in gram_sets]
    if not ids:
        return np.zeros((0, num_perm), dtype=np.uint64)
    from datasketch import MinHash  # imported on use: it pulls in SciPy, slow at every command's start-up

    singles = MinHash.bulk([[g.encode("utf-8")] for g in vocabulary], num_perm=num_perm, seed=1)
    empty = MinHash(num_perm=num_perm, seed=1).hashvalues  # the signature of an empty set
    table = np.vstack([*(m.hashvalues for m in singles), empty])
    blank = len(vocabulary)
    out = np.empty((len(ids), num_perm), dtype=table.dtype)
    for start in range(0, len(ids), chunk):
        part = [row or [blank] for row in ids[start : start + chunk]]
        lengths = np.fromiter((len(row) for row in part), dtype=np.int64, count=len(part))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        flat = np.fromiter((g for row in part for g in row), dtype=np.int64, count=int(lengths.sum()))
        out[start : start + len(part)] = np.minimum.reduceat(table[flat], offsets, axis=0)
    return out.astype(np.uint64)


def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) chosen by datasketch for this Jaccard threshold and number of permutations."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def candidate_pairs(matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Pairs (i, j), i < j, of rows that agree on all ``rows`` values of at least one band; shape (n, 2)."""
    count = matrix.shape[0]
    found: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(bands):
            block = matrix[:, band * rows : (band + 1) * rows]
            key = block[:, 0].copy()
            for column in range(1, block.shape[1]):
                key = key * _MIX + block[:, column]
            order = np.argsort(key, kind="stable")
            sorted_keys = key[order]
            starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            sizes = np.diff(np.r_[starts, count])
            pairs_of_two = starts[sizes == 2]
            if len(pairs_of_two):
                first, second = order[pairs_of_two], order[pairs_of_two + 1]
                low, high = np.minimum(first, second), np.maximum(first, second)
                found.append(low.astype(np.int64) * count + high)
            for start, size in zip(starts[sizes > 2], sizes[sizes > 2], strict=True):
                if size > MAX_BUCKET:
                    continue
                members = np.sort(order[start : start + size]).astype(np.int64)
                left, right = _upper_pairs(int(size))
                found.append(members[left] * count + members[right])
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // count, codes % count], axis=1)


@lru_cache(maxsize=MAX_BUCKET)
def _upper_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    left, right = np.triu_indices(size, k=1)
    return left, right


class GramAlphabet:
    """Maps each bigram to one code point, so a subject becomes a string rapidfuzz compares word-by-word.

    ``fuzz.ratio`` of two encoded subjects is the Indel similarity of their bigram sequences, computed on
    rapidfuzz's fast string path rather than on tuples of Python strings.
    """

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, grams: Sequence[str]) -> str:
        codes = self._codes
        out = []
        for gram in grams:
            code = codes.get(gram)
            if code is None:
                code = codes[gram] = chr(0x10000 + len(codes))
            out.append(code)
        return "".join(out)

"""Candidate generation: which pairs of distinct subjects are worth scoring (sub-quadratic).

MinHash signatures of each subject's character-bigram set, banded (``b`` bands of ``r`` rows) with the banding
that best separates pairs above and below the Jaccard threshold. Both are computed here with numpy, exactly as
datasketch 2 computes them (its default ``affine32`` scheme: SHA-1's first four bytes, the MurmurHash3
finaliser, seeded odd-multiplier affine maps; its ``MinHashLSH`` choice of ``b`` and ``r``) — a test holds the
two equal — without importing datasketch, whose import pulls in SciPy's integrators: most of a second that
every `gbstd dupes` and every lint with the D rules would pay. The banding is one vectorised pass per band (sort
each band's row hashes, pair the rows that share a bucket) instead of a Python dict insert and query per
subject and band: at 100 000 subjects this is the difference between seconds and most of a minute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# A band bucket holding more subjects than this is common wording, not a near-duplicate; it is skipped so that
# one crowded bucket cannot make the pass quadratic.
MAX_BUCKET = 500
_MIX = np.uint64(0x9E3779B97F4A7C15)


_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_EMPTY = np.uint32(0xFFFFFFFF)  # the signature of an empty set: every value at its maximum


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The affine maps ``h → a·h + b (mod 2³²)`` of each permutation (``a`` odd, so each map is a bijection)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def gram_hashes(grams: Sequence[str], num_perm: int, seed: int = 1) -> np.ndarray:
    """The (grams × num_perm) permuted hashes of single grams: a one-element set's MinHash per row."""
    values = np.fromiter((int.from_bytes(hashlib.sha1(g.encode("utf-8")).digest()[:4], "little") for g in grams),
                         dtype=np.uint32, count=len(grams)).reshape(-1, 1)
    s1, m1, s2, m2, s3 = _FMIX
    values = values ^ (values >> s1)  # the MurmurHash3 finaliser: spreads weak input hashes
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    values = values ^ (values >> s3)
    a, b = permutations(num_perm, seed)
    return values * a + b  # uint32 arithmetic wraps: modulo 2³², as intended


def signatures(gram_sets: Sequence[Sequence[str]], num_perm: int, chunk: int = 8192) -> np.ndarray:
    """The (subjects × num_perm) MinHash signature matrix (seeded: the same input gives the same matrix).

    Each distinct gram is hashed once (a one-element MinHash); a set's signature is the element-wise minimum
    over its grams, taken with numpy in chunks instead of one Python-level MinHash per subject.
    """
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(g, len(vocabulary)) for g in dict.fromkeys(grams)] for grams in gram_sets]
    if not ids:
        return np.zeros((0, num_perm), dtype=np.uint64)
    table = np.vstack([gram_hashes(list(vocabulary), num_perm), np.full((1, num_perm), _EMPTY, dtype=np.uint32)])
    blank = len(vocabulary)
    out = np.empty((len(ids), num_perm), dtype=table.dtype)
    for start in range(0, len(ids), chunk):
        part = [row or [blank] for row in ids[start : start + chunk]]
        lengths = np.fromiter((len(row) for row in part), dtype=np.int64, count=len(part))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        flat = np.fromiter((g for row in part for g in row), dtype=np.int64, count=int(lengths.sum()))
        out[start : start + len(part)] = np.minimum.reduceat(table[flat], offsets, axis=0)
    return out.astype(np.uint64)


@lru_cache(maxsize=32)
def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the sum of the false-positive and false-negative probabilities, as
    datasketch's ``MinHashLSH`` chooses them (equal weights).

    The two probabilities are integrals of polynomials of degree at most ``num_perm``; Gauss–Legendre
    quadrature with ``num_perm // 2 + 1`` nodes integrates those exactly, for all (b, r) at once.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    below_s, below_w = threshold / 2 * (nodes + 1), threshold / 2 * weights  # [0, threshold]
    above_s, above_w = threshold + (1 - threshold) / 2 * (nodes + 1), (1 - threshold) / 2 * weights  # [t, 1]
    best, choice = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // b + 1, dtype=np.float64).reshape(-1, 1)
        false_positive = (1 - (1 - below_s**rows) ** b) @ below_w
        false_negative = (1 - (1 - (1 - above_s**rows) ** b)) @ above_w
        error = false_positive * 0.5 + false_negative * 0.5
        at = int(np.argmin(error))
        if error[at] < best:
            best, choice = float(error[at]), (b, at + 1)
    return choice


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

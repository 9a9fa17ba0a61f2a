"""gbstd's own TF-IDF (``gbstd.similarity.tfidf``) against scikit-learn's, bit for bit.

Duplicate detection used scikit-learn's ``TfidfVectorizer`` and SciPy's sparse product for scope similarity; the
numpy version must give the very same float32 matrix and cosines (a cosine of 0.99999994 and one of 1.0 print
differently: 适用范围 99% / 100% 相同), so every test compares bit patterns, not closeness.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gbstd.similarity.scope import ScopeIndex, scope_similarity
from gbstd.similarity.tfidf import TfidfMatrix

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")

# Few distinct characters, so texts share n-grams; whitespace runs, upper case and a character whose lower case
# is two characters (İ) exercise scikit-learn's preprocessing.
ALPHABET = "机关事务管理服务规范食堂保洁节能 aAbB\t\nİ"
texts_st = st.lists(st.text(ALPHABET, max_size=80), min_size=1, max_size=25).filter(
    # scikit-learn refuses an empty vocabulary: some text must keep two characters once whitespace is collapsed
    lambda texts: any(len(re.sub(r"\s\s+", " ", t.lower())) >= 2 for t in texts)
)


def _reference(texts: list[str]):  # type: ignore[no-untyped-def]
    vectoriser = sklearn_text.TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True,
                                              dtype=np.float32)
    return vectoriser.fit_transform(texts).tocsr()


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype == np.float32 and a.shape == b.shape and bool((a.view(np.uint32) == b.view(np.uint32)).all())


@settings(max_examples=300, deadline=None)
@given(texts_st, st.data())
def test_matrix_and_cosines_equal_scikit_learn(texts: list[str], data: st.DataObject) -> None:
    reference = _reference(texts)
    ours = TfidfMatrix(texts)
    assert ours.shape == reference.shape
    assert (ours.indptr == reference.indptr).all()
    assert (ours.indices == reference.indices).all()  # the same columns, in the same storage order
    assert _same_bits(ours.data, reference.data)
    rows = st.integers(0, len(texts) - 1)
    pairs = data.draw(st.lists(st.tuples(rows, rows), min_size=1, max_size=60))
    left = np.array([p[0] for p in pairs])
    right = np.array([p[1] for p in pairs])
    expected = np.asarray(reference[left].multiply(reference[right]).sum(axis=1)).ravel()
    assert _same_bits(ours.cosine(left, right), expected)


def test_sorted_rows_take_scipys_merge_order() -> None:
    # every row's columns rise (a row is numbered in the order n-grams are first met, 2-grams first, yet its
    # columns are in string order): SciPy multiplies by a sorted merge, and the float32 sums follow that order
    texts = ["aaa", "aaaa", "aa", "bbb"]
    ours, reference = TfidfMatrix(texts), _reference(texts)
    assert ours.canonical.all()
    left, right = np.array([0, 1, 2, 3, 2]), np.array([1, 2, 3, 2, 2])
    expected = np.asarray(reference[left].multiply(reference[right]).sum(axis=1)).ravel()
    assert _same_bits(ours.cosine(left, right), expected)


def test_copied_scope_keeps_its_float32_cosine() -> None:
    # the same text twice: the cosine is 1 only up to float32 rounding, exactly as scikit-learn had it
    texts = ["各级党政机关办公用房维修管理", "各级党政机关办公用房维修管理", "公共机构节能"]
    reference = _reference(texts)
    expected = float(min(np.asarray(reference[[0]].multiply(reference[[1]]).sum(axis=1)).ravel()[0], 1.0))
    index = ScopeIndex([*texts[:1], "江苏省" + texts[0], *texts[2:]])
    assert index.similarity(np.array([0]), np.array([1]))[0] == expected


def test_edges() -> None:
    empty = TfidfMatrix([])
    assert empty.shape == (0, 0)
    assert len(empty.cosine(np.array([], dtype=np.int64), np.array([], dtype=np.int64))) == 0
    short = TfidfMatrix(["a", ""])  # no n-gram at all: every cosine 0, no error
    assert short.cosine(np.array([0]), np.array([1])).tolist() == [0.0]
    assert scope_similarity("", "x") is None
    assert scope_similarity("办公用房", "办公用房") == 1.0
    assert scope_similarity("公务用车", "公共机构") == 0.0

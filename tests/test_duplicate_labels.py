"""The whole duplicate detector against the labelled pairs of issue 14 (tests/data/duplicate_pairs_*.yaml).

Each pair's two sides are built as real catalog records and run through ``find_duplicates`` in a catalog of their
own with the default ``[duplicates]`` config (the same code as ``python bench/dupes_labels.py``). The figures are
printed (``pytest -s``) and asserted at the levels measured when the evidence of titles one word apart landed
(kinship, copied scopes); the development target of the dupes-synonyms work (recall ≥ 0.90 on each part) is an
expected failure on the evaluation part until it is met.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from dupes_labels import PARTS, Figures, Pair, evaluate, kind_labels, load_pairs, make_record, table

from gbstd.catalog.loader import load_catalog
from gbstd.model.code import Tier
from gbstd.similarity import DuplicateDetector

# Pinned so that any edit to the evaluation part shows in review: change it only with a reason in the commit.
EVAL_SHA256 = "ebdd5a995661bd0d90c7f6fb508c6fca341658480fb088885480425ffa373b0d"
SAMPLE_CATALOG = Path(__file__).resolve().parents[1] / "standards"
DUPLICATE_KINDS = {"abbreviation", "synonym", "qualifier", "prefix", "order", "traditional", "near"}
LOOK_ALIKE_KINDS = {"aspect", "subject", "boilerplate-scope", "aspect-scope"}
# Recall ≥ 0.90 on each part is the target; the evaluation part is at 0.890 (73 of 82: the misses are synonyms
# neither Cilin nor a shared morpheme vouches for, and scopes written in another wording). strict: the day it
# passes, the marker must go, so the figure in the README is updated with it.
EVAL_SHORT = pytest.mark.xfail(strict=True, reason="evaluation recall 0.890 < 0.90")


@cache
def _pairs(part: str) -> tuple[Pair, ...]:
    return tuple(load_pairs(PARTS[part]))


@cache
def _figures(part: str) -> Figures:
    figures, _ = evaluate(_pairs(part))
    labels = kind_labels(list(_pairs("dev")), list(_pairs("eval")))
    print(f"\n{table(f'{part} ({len(_pairs(part))} pairs)', figures, labels)}")
    return figures


def test_the_evaluation_part_is_pinned() -> None:
    assert hashlib.sha256(PARTS["eval"].read_bytes()).hexdigest() == EVAL_SHA256


def test_the_set_is_big_balanced_and_split() -> None:
    dev, ev = _pairs("dev"), _pairs("eval")
    total = len(dev) + len(ev)
    assert total >= 300
    assert len(ev) >= total / 3
    for part in (dev, ev):
        look_alikes = sum(not p.duplicate for p in part)
        assert look_alikes / len(part) >= 0.4
        assert {p.kind for p in part} == DUPLICATE_KINDS | LOOK_ALIKE_KINDS  # every kind in both parts
    ids = [p.id for p in dev + ev]
    assert len(ids) == len(set(ids))
    # no pair of titles is in both parts (or twice in one)
    titles = [frozenset((p.a.title, p.b.title)) for p in dev + ev]
    assert len(titles) == len(set(titles))
    for pair in dev + ev:
        assert pair.duplicate == (pair.kind in DUPLICATE_KINDS), pair.id
        assert (pair.scopes == "title-only") == (pair.a.scope is None and pair.b.scope is None), pair.id
    # only the former title pairs (the ones tuned on) lack scopes, and they are all in the development part
    assert not [p.id for p in ev if p.scopes == "title-only"]


def test_every_side_is_a_valid_record_of_the_sample_system() -> None:
    modules = set(load_catalog(SAMPLE_CATALOG).modules)
    for pair in _pairs("dev") + _pairs("eval"):
        for number, side in enumerate((pair.a, pair.b), start=1):
            record = make_record(side, number)
            assert record.code is not None, pair.id
            assert record.tier is Tier(side.tier), pair.id
            assert record.region == side.region, pair.id
            assert side.module in modules, (pair.id, side.module)
            if side.scope is not None:
                assert side.scope.startswith(("本文件", "本标准", "本標準")) and side.scope.endswith("。"), pair.id


def _look_alikes_reported(figures: Figures) -> float:
    return figures.fp / (figures.fp + figures.tn)


def test_development_precision_and_recall() -> None:
    """Measured: precision 0.992, recall 0.961, 1 of 103 look-alikes reported."""
    figures = _figures("dev")
    assert figures.precision >= 0.99
    assert figures.recall >= 0.96
    assert _look_alikes_reported(figures) <= 1 / 14


def test_evaluation_precision_and_recall() -> None:
    """Measured: precision 1.000, recall 0.890, 0 of 61 look-alikes reported (issue 14's bar: 0.95 / 0.85)."""
    figures = _figures("eval")
    assert figures.precision >= 0.99
    assert figures.recall >= 0.89
    assert _look_alikes_reported(figures) <= 1 / 14


@EVAL_SHORT
def test_evaluation_recall_target() -> None:
    assert _figures("eval").recall >= 0.90


def test_scores_are_symmetric() -> None:
    detector = DuplicateDetector()
    for pair in _pairs("dev"):
        a, b = pair.a, pair.b
        assert (detector.score_titles(a.title, b.title, a.scope, b.scope).score
                == detector.score_titles(b.title, a.title, b.scope, a.scope).score), pair.id

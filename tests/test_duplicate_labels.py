"""The duplicate detector against a labelled set of real and realistic title pairs: precision and recall ≥ 0.9."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from gbstd.model.config import DuplicatesSection
from gbstd.similarity import DuplicateDetector

LABELS = Path(__file__).parent / "data" / "duplicate_pairs.yaml"


def _pairs() -> list[tuple[str, str, bool]]:
    data = YAML(typ="safe").load(LABELS.read_text(encoding="utf-8"))
    return [(a, b, bool(label)) for a, b, label in data["pairs"]]


def test_the_labelled_set_is_big_and_balanced() -> None:
    pairs = _pairs()
    assert len(pairs) >= 60
    positives = sum(label for _, _, label in pairs)
    assert 0.3 < positives / len(pairs) < 0.7


def test_precision_and_recall_at_the_default_threshold() -> None:
    config = DuplicatesSection()
    detector = DuplicateDetector(config)
    tp = fp = fn = 0
    wrong = []
    for a, b, label in _pairs():
        predicted = detector.score_titles(a, b).score >= config.min_score
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
        if predicted != label:
            wrong.append((a, b, label))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.9, (precision, wrong)
    assert recall >= 0.9, (recall, wrong)


def test_scores_are_symmetric() -> None:
    detector = DuplicateDetector()
    for a, b, _ in _pairs():
        assert detector.score_titles(a, b).score == detector.score_titles(b, a).score

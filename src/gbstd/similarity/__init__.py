"""Similarity of standards: normalisation, subject extraction, candidate generation, scoring, duplicates.

The public entry point is :func:`find_duplicates`; `gbstd dupes`, the D lint rules and the bulletin all call it
(lint through ``RuleContext.duplicates``), so every report counts the same pairs.
"""

from gbstd.similarity.duplicates import (
    Cluster,
    DuplicateDetector,
    DuplicateKind,
    DuplicatePair,
    cluster,
    describe_region,
    find_duplicates,
)
from gbstd.similarity.normalise import normalise, scope_text, to_simplified
from gbstd.similarity.scoring import PairScore, Weights, score_pair
from gbstd.similarity.subject import Subject, SubjectExtractor

__all__ = [
    "Cluster",
    "DuplicateDetector",
    "DuplicateKind",
    "DuplicatePair",
    "PairScore",
    "Subject",
    "SubjectExtractor",
    "Weights",
    "cluster",
    "describe_region",
    "find_duplicates",
    "normalise",
    "scope_text",
    "score_pair",
    "to_simplified",
]

"""Similarity of standards: normalisation, subject extraction, candidate generation, scoring, duplicates.

The public entry point is :func:`find_groups`; `gbstd dupes`, the D lint rules and the bulletin all call it
(lint through ``RuleContext.duplicates``), so every report counts the same groups. :func:`find_duplicates` lists
every pair (quadratic in a large group; for small catalogs and the labelled-set tests);
:meth:`DuplicateDetector.iter_pairs` yields scored pairs in batches.
"""

from gbstd.similarity.duplicates import (
    DuplicateDetector,
    cluster,
    describe_region,
    find_duplicates,
    find_groups,
    fingerprint,
)
from gbstd.similarity.groups import DuplicateGroup, DuplicateGroups, Partner
from gbstd.similarity.normalise import normalise, scope_text, to_simplified
from gbstd.similarity.pairs import DuplicateKind, DuplicatePair
from gbstd.similarity.scoring import PairScore, Weights, score_pair
from gbstd.similarity.subject import Subject, SubjectExtractor

__all__ = [
    "DuplicateDetector",
    "DuplicateGroup",
    "DuplicateGroups",
    "DuplicateKind",
    "DuplicatePair",
    "PairScore",
    "Partner",
    "Subject",
    "SubjectExtractor",
    "Weights",
    "cluster",
    "describe_region",
    "find_duplicates",
    "find_groups",
    "fingerprint",
    "normalise",
    "scope_text",
    "score_pair",
    "to_simplified",
]

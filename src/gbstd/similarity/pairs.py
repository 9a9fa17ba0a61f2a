"""A pair of similar standards and what it means: the kind, the advice and the evidence, as reports show them.

Shared by detection (:mod:`gbstd.similarity.duplicates`, which makes pairs) and grouping
(:mod:`gbstd.similarity.groups`, which gathers them), so neither imports the other for its types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from gbstd.catalog.catalog import Record
from gbstd.i18n import Lang, Text
from gbstd.similarity.scoring import PairScore


class DuplicateKind(str, Enum):
    """What a similar pair means; the values are stable (JSON, CSV, bulletins)."""

    SAME_CODE = "same-code"
    MERGE = "merge"
    ADOPT_UPPER = "adopt-upper"
    SIBLING = "sibling"
    SUPERSESSION = "supersession"

    @property
    def label(self) -> Text:
        return _KIND_LABELS[self]

    @property
    def advice(self) -> Text:
        return _KIND_ADVICE[self]


_KIND_LABELS: dict[DuplicateKind, Text] = {
    DuplicateKind.SAME_CODE: Text("标准号重复", "same code"),
    DuplicateKind.MERGE: Text("同级重复", "merge"),
    DuplicateKind.ADOPT_UPPER: Text("重复上级标准", "adopt upper tier"),
    DuplicateKind.SIBLING: Text("兄弟地区同主题", "sibling"),
    DuplicateKind.SUPERSESSION: Text("代替关系", "supersession"),
}

_KIND_ADVICE: dict[DuplicateKind, Text] = {
    DuplicateKind.SAME_CODE: Text("同一标准号出现在两个文件中：保留一个文件", "one code in two files: keep one file"),
    DuplicateKind.MERGE: Text(
        "同一层级、同一地区（或同一发布机构）主题重复：合并为一项标准，废止另一项",
        "same subject in the same tier and region (or issuer): merge into one standard and abolish the other",
    ),
    DuplicateKind.ADOPT_UPPER: Text(
        "下级标准重复制定了上级标准的内容：直接采用上级标准，或在规范性引用文件中引用它、只写本地细化内容",
        "re-makes an upper-tier standard: adopt it, or cite it as a normative reference and keep only local detail",
    ),
    DuplicateKind.SIBLING: Text(
        "其他地区或机构已有同主题标准：可考虑直接采用（一事一标、择优选取、共同使用）",
        "another region or body has a standard on this subject: consider adopting theirs (one subject, one standard)",
    ),
    DuplicateKind.SUPERSESSION: Text(
        "前后版本（代替关系），不是重复建设", "predecessor and successor (supersession), not a duplicate"
    ),
}


@dataclass(frozen=True)
class DuplicatePair:
    """Two similar standards. ``a``/``b`` are canonical codes; for ``adopt-upper`` ``a`` is the upper-tier one."""

    a: str
    b: str
    score: float  # 0–1
    kind: DuplicateKind
    explanation: Text | Callable[[], Text] = field(compare=False, repr=False)  # words now, or how to say them
    a_record: Record = field(compare=False, repr=False)
    b_record: Record = field(compare=False, repr=False)
    evidence: PairScore | None = field(default=None, compare=False, repr=False)

    @cached_property
    def reason(self) -> Text:
        """Which evidence carried the pair, in words (put into words on first use: most pairs of a national
        catalog are counted in groups, never printed)."""
        explanation = self.explanation
        return explanation if isinstance(explanation, Text) else explanation()

    @property
    def is_duplicate(self) -> bool:
        """False for supersession: a standard and its own predecessor are not 重复建设."""
        return self.kind is not DuplicateKind.SUPERSESSION

    @property
    def advice(self) -> Text:
        return self.kind.advice

    def to_json(self, lang: Lang = "zh") -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "score": self.score,
            "kind": self.kind.value,
            "reason": self.reason.get(lang),
            "advice": self.advice.get(lang),
            "a_title": self.a_record.title,
            "b_title": self.b_record.title,
            "a_tier": _tier_value(self.a_record),
            "b_tier": _tier_value(self.b_record),
            "a_region": self.a_record.region,
            "b_region": self.b_record.region,
            "a_path": self.a_record.rel,
            "b_path": self.b_record.rel,
            "evidence": _evidence_json(self.evidence),
        }


@dataclass
class ScoredBatch:
    """One batch of scored pairs before they become :class:`DuplicatePair` objects.

    Grouping reads only each pair's score, records and kind; the pair itself (``make(k)``) is built for the few
    pairs a group keeps — a large same-subject set of a national catalog scores hundreds of thousands of pairs
    and keeps one or two per record.
    """

    scores: Sequence[float]
    a_records: Sequence[Record]
    b_records: Sequence[Record]
    kinds: Sequence[DuplicateKind]
    make: Callable[[int], DuplicatePair]

    def __len__(self) -> int:
        return len(self.scores)

    def pairs(self) -> list[DuplicatePair]:
        return [self.make(k) for k in range(len(self.scores))]

    @classmethod
    def of(cls, pairs: Sequence[DuplicatePair]) -> ScoredBatch:
        """A batch of pairs already made."""
        return cls([p.score for p in pairs], [p.a_record for p in pairs], [p.b_record for p in pairs],
                   [p.kind for p in pairs], pairs.__getitem__)


def _evidence_json(evidence: PairScore | None) -> dict[str, object] | None:
    """What carried a pair, for scripts: the parts of the score and the words the alignment equated."""
    if evidence is None:
        return None
    return {
        "subject": round(evidence.subject, 3),
        "title": round(evidence.title, 3),
        "scope": None if evidence.scope is None else round(evidence.scope, 3),
        "aspects_differ": evidence.aspects_differ,
        "substituted": evidence.substituted,
        "carried_by_scope": evidence.carried_by_scope,
        "same_module": evidence.same_module,
        "same_body": evidence.same_body,
        "equated": [{"kind": n.kind, "word": n.word, "other": n.other} for n in evidence.notes],
    }


def _tier_value(record: Record) -> str | None:
    return record.tier.value if record.tier else None

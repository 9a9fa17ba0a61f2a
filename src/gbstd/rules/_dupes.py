"""Shared shape of the D rules: one finding per record per group of likely duplicates.

The D rules read the groups that `gbstd dupes` reports (``RuleContext.duplicates``, one streamed run for all
three rules): a record gets at most one finding per rule, naming its strongest partner of the rule's kind and the
size of its group — 26 copies of one subject give 26 findings, not 325.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule
from gbstd.similarity import DuplicateGroups, DuplicateKind, DuplicatePair
from gbstd.similarity.groups import other


def findings(
    rule: Rule, groups: DuplicateGroups, kind: DuplicateKind, message: Text,
    keep: Callable[[Record, DuplicatePair], bool] = lambda record, pair: True,
) -> Iterator[Finding]:
    """``message`` holds ``{partner}``, ``{size}`` and ``{advice}`` placeholders in each language; ``keep`` drops
    pairs that do not count for this rule (the strongest remaining one is named)."""
    for record, partner in groups.records_with(kind):
        pair = next((p for p in partner.pairs if keep(record, p)), None)
        group = groups.group(record)
        if pair is None or group is None:
            continue
        mate = other(pair, record)
        named = f"{mate.key}《{mate.title}》({pair.score:.2f})"
        size, advice = len(group.members), pair.advice
        yield rule.at(
            record,
            Text(message.zh.format(partner=named, size=size, advice=advice.zh),
                 message.en.format(partner=named, size=size, advice=advice.en)),
            ("title",),
            key=False,
        )

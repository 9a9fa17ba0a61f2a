"""Shared shape of the D rules: one finding per record per group of likely duplicates.

The D rules read the groups that `gbstd dupes` reports (``RuleContext.duplicates``, one streamed run for all
three rules): a record gets at most one finding per rule, naming its strongest partner of the rule's kind and the
size of its group — 26 copies of one subject give 26 findings, not 325.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules._dupes_memo import Kept
from gbstd.rules.base import Rule, RuleContext

if TYPE_CHECKING:  # the similarity package (numpy, rapidfuzz) is imported only where duplicates are found
    from gbstd.similarity import DuplicateKind, DuplicatePair


def findings(
    rule: Rule, ctx: RuleContext, kind: DuplicateKind, message: Text,
    keep: Callable[[Record, DuplicatePair], bool] = lambda record, pair: True,
) -> Iterator[Finding]:
    """``message`` holds ``{partner}``, ``{size}`` and ``{advice}`` placeholders in each language; ``keep`` drops
    pairs that do not count for this rule (the strongest remaining one is named).

    With a memo (incremental lint, :mod:`gbstd.rules._dupes_memo`) the components detection reused come from
    it, and this run's findings are kept in it by component for the next run."""
    from gbstd.similarity.groups import other  # here: numpy and the rest load only where duplicates are found

    groups, memo = ctx.duplicates, ctx.duplicate_memo
    made: dict[str, Kept] = {}  # this run's findings by file: partner's file, score, group size
    for record, partner in groups.records_with(kind):
        pair = next((p for p in partner.pairs if keep(record, p)), None)
        group = groups.group(record)
        if pair is None or group is None:
            continue
        mate = other(pair, record)
        made[record.rel] = (mate.rel, pair.score, len(group.members))
        yield _finding(rule, kind, message, record, mate, pair.score, len(group.members))
    if memo is None:
        return
    kept: dict[str, dict[str, Kept]] = {}
    for component in groups.components:
        if component.reused:
            kept[component.digest] = found = memo.kept(rule.code, component)
            for rel, (mate_rel, score, size) in found.items():
                yield _finding(rule, kind, message, memo.record(rel), memo.record(mate_rel), score, size)
        else:
            kept[component.digest] = {rel: made[rel] for rel in component.rels if rel in made}
    memo.save(rule.code, kept)


def _finding(
    rule: Rule, kind: DuplicateKind, message: Text, record: Record, mate: Record, score: float, size: int
) -> Finding:
    """One record's finding: its partner (of ``kind``) and the size of its group, in ``message``'s words."""
    named = f"{mate.key}《{mate.title}》({score:.2f})"
    advice = kind.advice
    return rule.at(
        record,
        Text(message.zh.format(partner=named, size=size, advice=advice.zh),
             message.en.format(partner=named, size=size, advice=advice.en)),
        ("title",),
        key=False,
    )

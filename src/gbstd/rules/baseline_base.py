"""What the G rules share: a rule that compares a changed record with its old side at the git revision."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator
from typing import ClassVar

from gbstd.catalog.baseline import Baseline, BaseRecord
from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.rules.base import Rule, RuleContext


class ChangedRecordRule(Rule):
    """Runs only with ``lint --changed-since``, on records changed since the revision that existed there."""

    needs_baseline: ClassVar[bool] = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        baseline = ctx.baseline
        assert baseline is not None  # the engine skips needs_baseline rules without one
        for record in ctx.catalog.records:
            if record.rel in baseline.changed:
                before = baseline.before(record.rel)
                if before is not None:
                    yield from self.compare(record, before, baseline)

    @abstractmethod
    def compare(self, record: Record, before: BaseRecord, baseline: Baseline) -> Iterable[Finding]:
        """Yield findings for one record given its old side at the revision."""

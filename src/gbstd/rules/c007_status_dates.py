"""C007 status-dates: the status contradicts the dates as of the given day."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import status_contradictions
from gbstd.rules.base import RecordRule, RuleContext


class StatusDates(RecordRule):
    """状态与日期矛盾 / status contradicts the dates

    What it does:
        As of `--as-of` (default today): 现行 needs no effective date still ahead and no abolition that has
        happened (a standard in force whose effective date was never recorded is not reported: older
        records often lack it); 即将实施 needs an effective date still in the future; 废止 needs an abolition
        date that has arrived.

    Why it matters:
        Status is what people filter on ("what is in force?"). Statuses go stale silently: an upcoming
        standard takes effect, an abolished one is still marked 现行. The dates are the truth.

    Example:
        status: 即将实施
        effective: 2024-04-01      # as of 2026-11-23 it is in force

    Use instead:
        status: 现行
        effective: 2024-04-01
    """

    code = "C007"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "status-dates"
    summary = Text("状态与日期矛盾", "status contradicts the dates")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        for message in status_contradictions(record.standard, ctx.as_of):
            yield self.at(record, message, ("status",), key=False)

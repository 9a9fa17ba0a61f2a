"""R004 review-abolish-in-force: the last review concluded 废止 but the standard is still in force."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Conclusion
from gbstd.rules.base import RecordRule, RuleContext


class ReviewAbolishInForce(RecordRule):
    """复审结论为废止但仍现行 / reviewed as abolish but still in force

    What it does:
        Reports a standard in force on `--as-of` whose latest review (dated on or before that day)
        concluded 废止 (abolish), unless its `abolished` date (on or after the review) is already recorded
        for a day still ahead.

    Why it matters:
        Users read the status: a standard the reviewers decided to abolish keeps being applied, and other
        standards keep citing it, until the abolition is published and recorded.

    Example:
        status: 现行
        reviews:
          - {date: 2025-06-30, conclusion: 废止, by: 宝鸡市市场监督管理局}

    Use instead:
        status: 废止
        abolished: 2025-09-01     # the date in the abolition notice
    """

    code = "R004"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "review-abolish-in-force"
    summary = Text("复审结论为废止但仍现行", "reviewed as abolish but still in force")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        last = state.last_review
        # in force with an abolition date: that day is still ahead (the abolition is recorded, nothing left to do)
        if state.in_force and record.standard.abolished is None and last is not None \
                and last.conclusion is Conclusion.ABOLISH:
            yield self.at(record, Text(
                f"{last.date} 复审结论为废止，但标准仍然现行；请记录废止日期并改为废止",
                f"the review of {last.date} concluded abolish, but the standard is still in force; "
                "record the abolition date and status",
            ), ("reviews", state.last_review_index or 0, "conclusion"), key=False)

"""R006 review-date: a review dated before the standard took effect, after its abolition, or after `--as-of`, or a
second review on one day."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class ReviewDate(RecordRule):
    """复审日期不合理 / review date out of range

    What it does:
        Reports reviews dated before the standard took effect (its `effective` date, or `published` when
        that is unknown), after it was abolished (`abolished`; a review on that day, the one that ended it,
        is fine), and after `--as-of` (default today), and a second review on a day that already has one.

    Why it matters:
        A standard cannot be reviewed before it applies or after it has been abolished (there is nothing
        left to review; a review of its successor belongs in the successor's file), nor can a review be
        recorded before it happens.
        Such dates are typos (2012 for 2021) or plans entered as facts; they would restart the review
        clock at the wrong time. Two reviews on one day leave it open which conclusion holds (`review add`
        refuses the second one).

    Example:
        effective: 2023-12-17
        reviews:
          - {date: 2022-12-01, conclusion: 继续有效, by: 洛阳市机关事务管理局}

    Use instead:
        reviews:
          - {date: 2026-12-01, conclusion: 继续有效, by: 洛阳市机关事务管理局}   # once it has happened
    """

    code = "R006"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "review-date"
    summary = Text("复审日期不合理", "review date out of range")
    severity = Severity.ERROR

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        std = record.standard
        start = std.effective or std.published
        which = Text("实施日期", "effective date") if std.effective else Text("发布日期", "publication date")
        seen: set[object] = set()
        for index, review in enumerate(std.reviews):
            loc = ("reviews", index, "date")
            if review.date in seen:  # the worklist would take whichever is listed last
                yield self.at(record, Text(
                    f"{review.date} 已有一条复审记录；同一天只应有一条（结论不同时哪条有效不明）",
                    f"{review.date} already has a review: one a day (with two, which conclusion holds is unclear)",
                ), loc, key=False)
            seen.add(review.date)
            if start is not None and review.date < start:
                yield self.at(record, Text(f"复审日期 {review.date} 早于{which.zh} {start}",
                                           f"review date {review.date} is before the {which.en} {start}"),
                              loc, key=False)
            if std.abolished is not None and review.date > std.abolished:
                yield self.at(record, Text(f"复审日期 {review.date} 晚于废止日期 {std.abolished}",
                                           f"review date {review.date} is after the abolition on {std.abolished}"),
                              loc, key=False)
            if review.date > ctx.as_of:
                yield self.at(record, Text(
                    f"复审日期 {review.date} 在 {ctx.as_of} 之后，尚未发生",
                    f"review date {review.date} is after {ctx.as_of}: it has not happened yet",
                ), loc, key=False)

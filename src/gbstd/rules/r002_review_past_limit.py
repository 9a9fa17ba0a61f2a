"""R002 review-past-limit: an in-force standard has gone unreviewed past the legal limit (5 years)."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.review import DueState
from gbstd.rules.base import RecordRule, RuleContext
from gbstd.rules.r001_review_overdue import anchor_loc, clock_text, days_en


class ReviewPastLimit(RecordRule):
    """复审逾期超过法定上限 / review overdue past the legal limit

    What it does:
        Like R001, but for standards whose last review (or effective date, with none) is more than
        `[review] hard_limit_years` (default 5) before `--as-of`. Reported at error level; such a standard
        is not also reported by R001.

    Why it matters:
        The Standardisation Law (2017) art. 29 caps the review cycle at five years. A standard past that
        limit is out of compliance, whatever the catalog's own (shorter) period.

    Example:
        effective: 2020-01-01      # as of 2026-11-23: 5-year limit passed on 2025-01-01
        # no reviews

    Use instead:
        reviews:
          - date: 2024-06-30
            conclusion: 修订
            by: 四川省机关事务管理局
    """

    code = "R002"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "review-past-limit"
    summary = Text("复审逾期超过法定上限", "review overdue past the legal limit")
    severity = Severity.ERROR

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        if state.state is DueState.OVERDUE_HARD and state.hard_due is not None:
            limit = ctx.catalog.config.review.hard_limit_years
            beyond = (ctx.as_of - state.hard_due).days
            clock = clock_text(state)
            yield self.at(record, Text(
                f"复审逾期 {state.days_overdue} 天，已超过 {limit} 年上限 {beyond} 天"
                f"（《标准化法》第二十九条）：{clock.zh}",
                f"review overdue by {days_en(state.days_overdue)}, {days_en(beyond)} past the "
                f"{limit}-year limit "
                f"(Standardisation Law art. 29): {clock.en}",
            ), anchor_loc(state), key=False)

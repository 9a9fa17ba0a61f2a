"""R003 review-due-soon: an in-force standard's review falls due within the due-soon window."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.review import DueState
from gbstd.rules.base import RecordRule, RuleContext
from gbstd.rules.r001_review_overdue import anchor_loc, clock_text, days_en


class ReviewDueSoon(RecordRule):
    """复审临近到期 / review due soon

    What it does:
        Reports in-force standards whose review falls due within `[review] due_soon_months` (default 6)
        after `--as-of`, the due date itself included.

    Why it matters:
        Some provinces ask for the review proposal six months before the deadline; a reminder in time
        keeps a standard from becoming overdue.

    Example:
        effective: 2024-01-01      # as of 2026-11-23: due 2027-01-01, in 39 days

    Use instead:
        Plan the review now; once done, record it with `gbstd review add`.
    """

    code = "R003"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "review-due-soon"
    summary = Text("复审临近到期", "review due soon")
    severity = Severity.INFO

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        if state.state is DueState.DUE_SOON:
            clock = clock_text(state)
            yield self.at(record, Text(f"{state.days_remaining} 天后复审到期：{clock.zh}",
                                       f"review due in {days_en(state.days_remaining)}: {clock.en}"),
                          anchor_loc(state), key=False)

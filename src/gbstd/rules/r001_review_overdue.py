"""R001 review-overdue: an in-force standard has not been reviewed within its review period."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.review import DueState, ReviewState
from gbstd.rules.base import RecordRule, RuleContext

SOURCE_LABELS: dict[str | None, Text] = {
    "review": Text("上次复审", "the last review"),
    "effective": Text("实施", "taking effect"),
    "published": Text("发布", "publication"),
    None: Text("", ""),
}


def anchor_loc(state: ReviewState) -> Loc:
    """Where the review clock started: the last review's date, else the effective (or published) date."""
    if state.anchor_source == "review" and state.last_review_index is not None:
        return ("reviews", state.last_review_index, "date")
    return (state.anchor_source or "effective",)


def days_en(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def clock_text(state: ReviewState) -> Text:
    source = SOURCE_LABELS[state.anchor_source]
    return Text(f"自{source.zh}（{state.anchor}）起 {state.period_years} 年，应于 {state.due} 前复审",
                f"{state.period_years} years from {source.en} ({state.anchor}): due by {state.due}")


class ReviewOverdue(RecordRule):
    """复审逾期 / review overdue

    What it does:
        For every standard in force on `--as-of`, computes the review due date: the last review (or, with
        none, the effective date) plus the review period (`[review] period_years`, default 3, overridable
        per tier and module in gbstd.toml). Reports standards past that date. Past the legal limit
        (`hard_limit_years`, default 5) the finding is R002 instead, at error level.

    Why it matters:
        Henan's pilot plan requires standards in force for more than three years to be reviewed (复审) and
        then kept, revised or abolished; the Standardisation Law (art. 29) caps the cycle at five years.
        Unreviewed standards drift from practice and become 僵尸标准 (see R007).

    Example:
        effective: 2022-04-01      # as of 2026-11-23: due 2025-04-01, 601 days overdue
        # no reviews

    Use instead:
        reviews:
          - date: 2025-03-20
            conclusion: 继续有效
            by: 河南省机关事务管理局
    """

    code = "R001"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "review-overdue"
    summary = Text("复审逾期", "review overdue")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        if state.state is DueState.OVERDUE:
            clock = clock_text(state)
            yield self.at(record, Text(f"复审逾期 {state.days_overdue} 天：{clock.zh}",
                                       f"review overdue by {days_en(state.days_overdue)}: {clock.en}"),
                          anchor_loc(state), key=False)

"""R007 zombie-standard: in force past its review period with no review and no implementation evidence."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.review import is_zombie, whole_years
from gbstd.rules.base import RecordRule, RuleContext


class ZombieStandard(RecordRule):
    """僵尸标准 / zombie standard

    What it does:
        Reports a standard in force on `--as-of`, past its review period, with no review and no
        implementation evidence (`implementations`) recorded on or before that day.

    Why it matters:
        Standards issued and then neither applied nor evaluated become 无用的“僵尸标准”; the
        Standardisation Law (art. 29) requires implementation information to be collected and standards
        reviewed at most every five years. The catalog should show which standards nobody has reported using or reviewing,
        so the bureau can either gather the evidence or review and abolish them.

    Example:
        effective: 2020-12-20      # in force for 6 years
        # no reviews, no implementations

    Use instead:
        implementations:
          - unit: 宝鸡市机关事务服务中心
            since: 2021-03-01
            evaluation: 2023 年自评：执行良好
    """

    code = "R007"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "zombie-standard"
    summary = Text("僵尸标准：无复审、无实施证据", "zombie standard: no review, no implementation evidence")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        if is_zombie(state):
            years = whole_years(state.anchor, ctx.as_of) if state.anchor else 0
            yield self.at(record, Text(
                f"僵尸标准：实施约 {years} 年，超过 {state.period_years} 年复审周期，"
                "目录中既无复审记录也无实施证据",
                f"zombie standard: in force for about {years} years, past its {state.period_years}-year "
                "review period, with neither a review nor implementation evidence in the catalog",
            ), ("status",), key=False)

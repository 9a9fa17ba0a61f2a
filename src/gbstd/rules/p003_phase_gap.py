"""P003 phase-gap: months between two phases that belong to no phase."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule, after_reach


class PhaseGap(PlanRule):
    """阶段之间有空档 / a gap between phases

    What it does:
        Sorts a plan's phases by start month and reports months between the end of one phase and the start
        of the next that no phase covers.

    Why it matters:
        A plan's phases normally follow without a break; a gap is usually a typing slip in a month, and on
        the days in it `gbstd plan status` can name no current phase.

    Example:
        - {name: 前期准备, start: 2021-09, end: 2021-11}
        - {name: 组织实施, start: 2022-01, end: 2022-12}   # 2021-12 belongs to no phase

    Use instead:
        - {name: 前期准备, start: 2021-09, end: 2021-11}
        - {name: 组织实施, start: 2021-12, end: 2022-12}
    """

    code = "P003"
    name = "phase-gap"
    summary = Text("阶段之间有空档", "a gap between phases")
    severity = Severity.WARNING

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        for before, index, phase in after_reach(plan_file.plan):
            first_free = before.end.next()
            if phase.start > first_free:
                yield self.at_plan(plan_file, Text(
                    f"“{before.name}”于 {before.end} 结束，“{phase.name}”到 {phase.start} 才开始："
                    f"{first_free} 起不属于任何阶段",
                    f"'{before.name}' ends in {before.end} but '{phase.name}' starts only in {phase.start}: "
                    f"the months from {first_free} belong to no phase",
                ), ("phases", index, "start"), key=False)

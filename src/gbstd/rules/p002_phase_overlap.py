"""P002 phase-overlap: two phases of a plan share months."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule, after_reach


class PhaseOverlap(PlanRule):
    """阶段时间重叠 / phases overlap

    What it does:
        Sorts a plan's phases by start month and reports each phase that starts before an earlier one has
        ended (both months of a window are inclusive), naming the earlier phase that reaches furthest.

    Why it matters:
        The plan's phases follow one another; with overlapping windows a day belongs to two phases, and
        the current phase and the time left in it are ambiguous.

    Example:
        - {name: 组织实施, start: 2021-12, end: 2022-12}
        - {name: 自评改进, start: 2022-12, end: 2023-02}   # 2022-12 is in both

    Use instead:
        - {name: 组织实施, start: 2021-12, end: 2022-12}
        - {name: 自评改进, start: 2023-01, end: 2023-02}
    """

    code = "P002"
    name = "phase-overlap"
    summary = Text("阶段时间重叠", "phases overlap")

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        for before, index, phase in after_reach(plan_file.plan):
            if phase.start <= before.end:
                yield self.at_plan(plan_file, Text(
                    f"阶段“{phase.name}”（{phase.start}—{phase.end}）与“{before.name}”（{before.start}—{before.end}）时间重叠",
                    f"phase '{phase.name}' ({phase.start}…{phase.end}) overlaps '{before.name}' "
                    f"({before.start}…{before.end})",
                ), ("phases", index, "start"), key=False)

"""P001 phase-order: a plan phase ends before it starts, or is listed before an earlier phase."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class PhaseOrder(PlanRule):
    """阶段时间颠倒或顺序错乱 / phase window reversed or phases out of order

    What it does:
        In a pilot plan, reports a phase whose end month comes before its start month, and a phase that
        starts before the phase listed ahead of it.

    Why it matters:
        Phases are the plan's timetable (前期准备 → 组织实施 → 自评改进 → 评估验收). A reversed window or a
        phase out of order is a typing slip that makes "which phase are we in?" wrong on every day.

    Example:
        phases:
          - {name: 前期准备, start: 2021-09, end: 2021-11}
          - {name: 组织实施, start: 2022-12, end: 2021-12}   # end before start

    Use instead:
        phases:
          - {name: 前期准备, start: 2021-09, end: 2021-11}
          - {name: 组织实施, start: 2021-12, end: 2022-12}
    """

    code = "P001"
    name = "phase-order"
    summary = Text("阶段时间颠倒或顺序错乱", "phase window reversed or phases out of order")

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        phases = plan_file.plan.phases
        for index, phase in enumerate(phases):
            if phase.start > phase.end:
                yield self.at_plan(plan_file, Text(
                    f"阶段“{phase.name}”的结束月份 {phase.end} 早于开始月份 {phase.start}",
                    f"phase '{phase.name}' ends ({phase.end}) before it starts ({phase.start})",
                ), ("phases", index, "end"), key=False)
            if index and phase.start < phases[index - 1].start:
                before = phases[index - 1]
                yield self.at_plan(plan_file, Text(
                    f"阶段“{phase.name}”（{phase.start} 起）排在“{before.name}”（{before.start} 起）之后，"
                    "却更早开始",
                    f"phase '{phase.name}' (from {phase.start}) is listed after '{before.name}' "
                    f"(from {before.start}) but starts earlier",
                ), ("phases", index, "start"), key=False)

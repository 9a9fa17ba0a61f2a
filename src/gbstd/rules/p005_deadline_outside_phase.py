"""P005 deadline-outside-phase: a task's deadline lies outside the window of its phase."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule, task_deadlines


class DeadlineOutsidePhase(PlanRule):
    """任务时限不在所属阶段内 / a task deadline outside its phase

    What it does:
        Reports a task's deadline, or one of its milestones' deadlines, whose month lies outside the month
        window of the phase the task belongs to.

    Why it matters:
        Plans are written by several hands; a deadline outside its phase means either the deadline or the
        phase is wrong, and whoever follows the plan cannot tell which. Henan's 2021 plan has one: its
        自评改进 task (phase 2023-01…2023-02) says "2022年4月底前完成中期评估". It is a warning: the
        plan as issued is the record and is transcribed faithfully.

    Example:
        phases: [{name: 自评改进, start: 2023-01, end: 2023-02}]
        tasks:
          - phase: 自评改进
            subject: 试点建设自评估
            milestones: [{what: 完成中期评估, deadline: 2022-04}]

    Use instead:
        put the mid-term assessment in the phase that contains April 2022 (组织实施), or correct the month
    """

    code = "P005"
    name = "deadline-outside-phase"
    summary = Text("任务时限不在所属阶段内", "a task deadline outside its phase")
    severity = Severity.WARNING

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        plan = plan_file.plan
        for index, task in enumerate(plan.tasks):
            phase = plan.phase_named(task.phase)
            if phase is None:
                continue  # P004
            for what, month, loc in task_deadlines(task):
                if phase.start <= month <= phase.end:
                    continue
                item_zh, item_en = (f"中“{what}”", f" ({what})") if what else ("", "")
                yield self.at_plan(plan_file, Text(
                    f"任务“{task.subject}”{item_zh}的时限 {month} "
                    f"不在所属阶段“{phase.name}”（{phase.start}—{phase.end}）内",
                    f"task '{task.subject}': deadline {month}{item_en} lies outside its phase '{phase.name}' "
                    f"({phase.start}…{phase.end})",
                ), ("tasks", index, *loc), key=False)

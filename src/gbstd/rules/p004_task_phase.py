"""P004 task-phase: a task names a phase the plan does not have."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class TaskPhase(PlanRule):
    """任务所属阶段不存在 / a task's phase is not in the plan

    What it does:
        Reports tasks whose `phase` is not the name of one of the plan's phases.

    Why it matters:
        A task's phase gives the window its deadline must fit in (P005) and groups the task table; a
        misspelt phase name silently drops the task from both.

    Example:
        phases: [{name: 前期准备, start: 2021-09, end: 2021-11}]
        tasks: [{phase: 准备阶段, subject: 宣传动员, deadline: 2021-10}]

    Use instead:
        tasks: [{phase: 前期准备, subject: 宣传动员, deadline: 2021-10}]
    """

    code = "P004"
    name = "task-phase"
    summary = Text("任务所属阶段不存在", "a task's phase is not in the plan")

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        plan = plan_file.plan
        phases = [phase.name for phase in plan.phases]
        for index, task in enumerate(plan.tasks):
            if plan.phase_named(task.phase) is None:
                yield self.at_plan(plan_file, Text(
                    f"任务“{task.subject}”的阶段“{task.phase}”不在方案的阶段中（{'、'.join(phases)}）",
                    f"task '{task.subject}' names phase '{task.phase}', "
                    f"which the plan does not have ({', '.join(phases)})",
                ), ("tasks", index, "phase"), key=False)

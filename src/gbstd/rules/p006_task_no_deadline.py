"""P006 task-no-deadline: a task without any deadline."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class TaskNoDeadline(PlanRule):
    """任务没有完成时限 / a task without a deadline

    What it does:
        Reports tasks that have neither a `deadline` nor a milestone with one.

    Why it matters:
        The task table's last column (完成时限) is what makes a plan checkable: without it a task can never
        be overdue and progress reports cannot say whether it is late.

    Example:
        - phase: 前期准备
          subject: 宣传动员
          deadline_text: 尽快

    Use instead:
        - phase: 前期准备
          subject: 宣传动员
          deadline: 2021-10
          deadline_text: 2021年10月底前
    """

    code = "P006"
    name = "task-no-deadline"
    summary = Text("任务没有完成时限", "a task without a deadline")
    severity = Severity.WARNING

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        for index, task in enumerate(plan_file.plan.tasks):
            if task.deadline is None and not task.milestones:
                yield self.at_plan(plan_file, Text(
                    f"任务“{task.subject}”没有完成时限（deadline: YYYY-MM）",
                    f"task '{task.subject}' has no deadline (deadline: YYYY-MM)",
                ), ("tasks", index))

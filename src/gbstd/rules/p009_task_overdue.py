"""P009 task-overdue: a task of an active plan is past a deadline and not marked done."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.plan import PlanStatus
from gbstd.plans import TaskState, task_progress
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class TaskOverdue(PlanRule):
    """任务逾期 / overdue task

    What it does:
        As of `--as-of` (default today), reports each deadline of a task — its own or a milestone's — whose
        month has ended while the task (or milestone) has no `done` date on or before that day. A month
        deadline runs to the end of the month: 2021-10 is overdue from 2021-11-01. Only plans with
        `status: active` are checked; an archived plan is kept as a record and its done dates are not
        maintained.

    Why it matters:
        The province steers its cities with the plan's task table; a late task noticed in the next
        half-year report is noticed six months late.

    Example:
        deadline: 2021-10          # as of 2021-11-15, no done date

    Use instead:
        deadline: 2021-10
        done: 2021-10-28
        evidence: [{file: evidence/2021-10-28-培训通知.pdf}]
    """

    code = "P009"
    name = "task-overdue"
    summary = Text("任务逾期", "overdue task")
    severity = Severity.WARNING

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        if plan_file.plan.status is not PlanStatus.ACTIVE:
            return
        for index, task in enumerate(plan_file.plan.tasks):
            progress = task_progress(index, task, ctx.as_of)
            if progress.state is not TaskState.OVERDUE:
                continue
            for missed in progress.missed:
                what_zh = f"“{missed.what}”" if missed.what else ""
                what_en = f" ('{missed.what}')" if missed.what else ""
                yield self.at_plan(plan_file, Text(
                    f"任务“{task.subject}”{what_zh}已逾期：时限 {missed.deadline.zh}底，"
                    f"截至 {ctx.as_of} 未记录完成日期",
                    f"task '{task.subject}'{what_en} is overdue: due by the end of {missed.deadline}, "
                    f"no done date as of {ctx.as_of}",
                ), ("tasks", index, *missed.loc), key=False)

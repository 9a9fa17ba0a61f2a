"""What the P rules (pilot plans) share: a rule that looks at one plan file at a time."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding, Loc
from gbstd.i18n import Text
from gbstd.model.month import Month
from gbstd.model.plan import Phase, PilotPlan, Task
from gbstd.rules.base import Rule, RuleContext


class PlanRule(Rule):
    """A rule over the catalog's pilot plans (``plans/``), one plan at a time."""

    # targets count records by tier, region, module and status on a day; evidence names codes
    reads = frozenset({"code", "status", "dates", "module"})
    on_records = False  # findings in plan files only

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for plan_file in ctx.catalog.plans:
            yield from self.check_plan(plan_file, ctx)

    @abstractmethod
    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for one plan."""

    def at_plan(self, plan_file: PlanFile, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in the plan's file at document path ``loc``."""
        return Finding(self.code, message, plan_file.rel, None, loc=loc, key=key)


def task_deadlines(task: Task) -> Iterator[tuple[str | None, Month, Loc]]:
    """A task's own deadline and its milestones' deadlines: (milestone, month, path relative to the task)."""
    if task.deadline is not None:
        yield None, task.deadline, ("deadline",)
    for index, milestone in enumerate(task.milestones):
        yield milestone.what, milestone.deadline, ("milestones", index, "deadline")


def ordered_phases(plan: PilotPlan) -> list[tuple[int, Phase]]:
    """(index, phase) by start month, leaving out phases whose window is reversed (P001 reports those)."""
    valid = [(index, phase) for index, phase in enumerate(plan.phases) if phase.start <= phase.end]
    return sorted(valid, key=lambda item: (item[1].start, item[0]))


def after_reach(plan: PilotPlan) -> Iterator[tuple[Phase, int, Phase]]:
    """Each phase after the first by start month, with the earlier phase that reaches furthest (ends last):
    what the phase overlaps or leaves a gap after. Not merely the one before it, which a phase spanning
    several later ones (一个总体推进阶段) ends before."""
    reach: Phase | None = None
    for index, phase in ordered_phases(plan):
        if reach is not None:
            yield reach, index, phase
        if reach is None or phase.end > reach.end:
            reach = phase

"""Progress of a pilot plan (试点工作方案) as of a given day, computed from the catalog.

``plan_progress`` is the single source of a plan's figures: `gbstd plan status`, the lint rules on plans
(overdue tasks) and the half-year bulletin's 试点引领 paragraph all read them from here.

Counting a target: a standard counts when it matches the target's filter (tier; region, where a city counts
toward its province; module, including sub-modules; status on the last day counted, abolished ones excluded by
default) and its date (published by default) lies in the window ``[from, min(to, as_of)]``, both ends inclusive.
When a standard's date is not recorded, the year in its code (the year of publication), its effective date and
its abolition date still bound it: it counts when those bounds lie wholly inside the window, is left out when
they lie wholly outside, and is listed as *uncertain* otherwise — never guessed. :func:`placement` is that rule,
and the half-year bulletin's published count and its note on undated records read it too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from gbstd.catalog.catalog import Catalog, PlanFile, Record
from gbstd.findings import Loc
from gbstd.i18n import Text
from gbstd.model.month import Month
from gbstd.model.plan import (
    DateBasis,
    Evidence,
    Phase,
    PilotPlan,
    PlanStatus,
    ReportingDuty,
    ReportPeriod,
    Target,
    TargetFilter,
    Task,
    deadline_passed,
)  # fmt: skip
from gbstd.model.standard import Status

DEFAULT_STATUSES = frozenset({Status.IN_FORCE, Status.UPCOMING})


class PlanState(str, Enum):
    NOT_STARTED = "not-started"
    RUNNING = "running"
    ENDED = "ended"

    @property
    def label(self) -> Text:
        return {"not-started": Text("未开始", "not started"), "running": Text("实施中", "running"),
                "ended": Text("已结束", "ended")}[self.value]  # fmt: skip


class PhaseState(str, Enum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    ENDED = "ended"

    @property
    def label(self) -> Text:
        return {"upcoming": Text("未开始", "upcoming"), "current": Text("进行中", "current"),
                "ended": Text("已结束", "ended")}[self.value]  # fmt: skip


class TaskState(str, Enum):
    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"

    @property
    def label(self) -> Text:
        return {"done": Text("已完成", "done"), "open": Text("未到期", "open"),
                "overdue": Text("逾期", "overdue")}[self.value]  # fmt: skip


class ReportState(str, Enum):
    SUBMITTED = "submitted"
    OVERDUE = "overdue"  # due date passed, not sent
    DUE = "due"  # period over, due date not yet passed
    UPCOMING = "upcoming"  # period still running

    @property
    def label(self) -> Text:
        return {"submitted": Text("已报送", "submitted"), "overdue": Text("逾期未报", "overdue"),
                "due": Text("待报送", "to be sent"),
                "upcoming": Text("未到期", "upcoming")}[self.value]  # fmt: skip


# --------------------------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class CountedStandard:
    """A standard that counts (or may count) toward a target."""

    code: str
    title: str
    path: str
    date: dt.date | None  # the basis date, when recorded

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "title": self.title, "path": self.path,
                "date": self.date.isoformat() if self.date else None}  # fmt: skip


@dataclass
class TargetProgress:
    target: Target
    window_start: dt.date
    window_end: dt.date
    counted: list[CountedStandard] = field(default_factory=list)
    uncertain: list[CountedStandard] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.counted)

    @property
    def threshold(self) -> int:
        return self.target.at_least

    @property
    def met(self) -> bool:
        return self.count >= self.threshold

    @property
    def ratio(self) -> float:
        return min(1.0, self.count / self.threshold)

    @property
    def percent(self) -> int:
        """Whole percent reached, rounded down: 199 of 200 rounded to 100% beside a target not met."""
        return min(100, self.count * 100 // self.threshold)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.target.id, "description": self.target.description, "count": self.count,
            "threshold": self.threshold, "met": self.met, "basis": self.target.basis.value,
            "window": {"from": self.window_start.isoformat(), "to": self.window_end.isoformat()},
            "standards": [s.to_json() for s in self.counted],
            "uncertain": [s.to_json() for s in self.uncertain],
        }  # fmt: skip


def status_on(record: Record, day: dt.date) -> Status:
    """The record's status on ``day``, from its dates where they are recorded, else as written."""
    std = record.standard
    if std.abolished is not None and std.abolished <= day:
        return Status.ABOLISHED
    if std.abolished is None and std.status is Status.ABOLISHED:
        return Status.ABOLISHED  # abolished at an unknown date: never counted as alive
    if std.effective is not None:
        return Status.UPCOMING if std.effective > day else Status.IN_FORCE
    return Status.ABOLISHED if std.status is Status.ABOLISHED else std.status


def date_bounds(record: Record, basis: DateBasis) -> tuple[dt.date, dt.date]:
    """Earliest and latest possible basis date of a record (equal when the date is recorded). Contradictory
    dates (a code year after the effective or abolition date) give ``low > high``: :func:`placement` copes."""
    std = record.standard
    exact = std.published if basis is DateBasis.PUBLISHED else std.effective
    if exact is not None:
        return exact, exact
    low, high = dt.date.min, dt.date.max
    if basis is DateBasis.PUBLISHED:
        if record.code is not None:  # the year in a code is the year of publication
            low, high = dt.date(record.code.year, 1, 1), dt.date(record.code.year, 12, 31)
        if std.effective is not None:
            high = min(high, std.effective)
        if std.abolished is not None:  # a standard abolished on a day was published by then
            high = min(high, std.abolished)
    else:
        if std.published is not None:
            low = std.published
        elif record.code is not None:
            low = dt.date(record.code.year, 1, 1)
        if std.abolished is not None:
            high = std.abolished
    return low, high


class Placement(str, Enum):
    """Where a record's basis date lies relative to a window (:func:`placement`)."""

    INSIDE = "inside"  # certainly: recorded in it, or its bounds lie wholly inside
    POSSIBLY = "possibly"  # not recorded, and its bounds reach both into the window and out of it
    OUTSIDE = "outside"


def placement(record: Record, basis: DateBasis, first: dt.date, last: dt.date) -> Placement:
    """Whether the record's basis date lies in ``[first, last]`` (both inclusive), by :func:`date_bounds`: the
    one rule by which `gbstd plan status` counts a target and the bulletin counts what was published."""
    low, high = date_bounds(record, basis)
    certain = low <= high
    if not certain:  # the dates contradict each other: possible anywhere between them, never certain
        low, high = high, low
    if high < first or low > last:
        return Placement.OUTSIDE
    if certain and first <= low and high <= last:
        return Placement.INSIDE
    return Placement.POSSIBLY


def module_scope(catalog: Catalog, modules: Iterable[str]) -> set[str]:
    """The named modules and all their sub-modules."""
    wanted = set(modules)
    if catalog.system is None:
        return wanted
    scope = set(wanted)
    for module, _ in catalog.system.walk():
        if module.id in wanted:
            stack = list(module.modules)
            while stack:
                child = stack.pop()
                scope.add(child.id)
                stack.extend(child.modules)
    return scope


def _matches(record: Record, flt: TargetFilter, modules: set[str] | None, day: dt.date) -> bool:
    if flt.tiers and record.tier not in flt.tiers:
        return False
    if flt.regions:
        region = record.region
        if region is None or not any(region.startswith(wanted) for wanted in flt.regions):
            return False
    if modules is not None and record.standard.module not in modules:
        return False
    statuses = set(flt.statuses) or DEFAULT_STATUSES
    return status_on(record, day) in statuses


def target_window(plan: PilotPlan, target: Target) -> tuple[dt.date, dt.date]:
    return target.from_ or plan.first_day, target.to or plan.last_day


def _by_date(entry: CountedStandard) -> tuple[dt.date, str]:
    return entry.date or dt.date.min, entry.code


def count_target(plan: PilotPlan, target: Target, catalog: Catalog, as_of: dt.date) -> TargetProgress:
    start, end = target_window(plan, target)
    progress = TargetProgress(target, start, end)
    last = min(end, as_of)
    if last < start:
        return progress
    modules = module_scope(catalog, target.filter.modules) if target.filter.modules else None
    for record in catalog.records:
        # status on the last day counted, not on as_of: a standard published in an ended window and
        # replaced years later still counted toward the target it met (an ended plan's 2 / 2 became 1 / 2)
        if not _matches(record, target.filter, modules, last):
            continue
        where = placement(record, target.basis, start, last)
        if where is Placement.OUTSIDE:
            continue
        low, high = date_bounds(record, target.basis)
        entry = CountedStandard(record.key, record.title, record.rel, low if low == high else None)
        if where is Placement.INSIDE:
            progress.counted.append(entry)
        else:
            progress.uncertain.append(entry)
    progress.counted.sort(key=_by_date)
    progress.uncertain.sort(key=_by_date)
    return progress


# --------------------------------------------------------------------------------------------- phases


@dataclass
class PhaseProgress:
    index: int
    phase: Phase
    state: PhaseState
    days_left: int  # days after as_of until the phase's last day (0 on its last day and after), begun or not

    def to_json(self) -> dict[str, object]:
        return {"name": self.phase.name, "start": str(self.phase.start), "end": str(self.phase.end),
                "state": self.state.value, "days_left": self.days_left}  # fmt: skip


def _by_start(progress: PhaseProgress) -> tuple[dt.date, int]:
    return progress.phase.first_day, progress.index


def _phase_progress(index: int, phase: Phase, as_of: dt.date) -> PhaseProgress:
    if as_of < phase.first_day:
        state = PhaseState.UPCOMING
    elif as_of > phase.last_day:
        state = PhaseState.ENDED
    else:
        state = PhaseState.CURRENT
    # counted from as_of even before the phase begins: from its first day it was the phase's length instead
    return PhaseProgress(index, phase, state, max(0, (phase.last_day - as_of).days))


# --------------------------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class MissedDeadline:
    what: str | None  # the milestone, or None for the task's own deadline
    deadline: Month
    loc: tuple[str | int, ...]  # where the deadline is written, relative to the task

    def to_json(self) -> dict[str, object]:
        return {"what": self.what, "deadline": str(self.deadline)}


@dataclass
class TaskProgress:
    index: int
    task: Task
    state: TaskState
    missed: list[MissedDeadline] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "phase": self.task.phase, "subject": self.task.subject,
            "deadline": str(self.task.deadline) if self.task.deadline else None,
            "deadline_text": self.task.deadline_text, "owner": self.task.owner, "state": self.state.value,
            "done": self.task.done.isoformat() if self.task.done else None,
            "missed": [m.to_json() for m in self.missed],
        }  # fmt: skip


def task_progress(index: int, task: Task, as_of: dt.date) -> TaskProgress:
    """Done when its done date has come; overdue when any of its deadlines ended unmet; else open."""
    if task.done is not None and task.done <= as_of:
        return TaskProgress(index, task, TaskState.DONE)
    missed = [
        MissedDeadline(m.what, m.deadline, ("milestones", i, "deadline"))
        for i, m in enumerate(task.milestones)
        if not (m.done is not None and m.done <= as_of) and deadline_passed(m.deadline, as_of)
    ]
    if task.deadline is not None and deadline_passed(task.deadline, as_of):
        missed.append(MissedDeadline(None, task.deadline, ("deadline",)))
    return TaskProgress(index, task, TaskState.OVERDUE if missed else TaskState.OPEN, missed)


# --------------------------------------------------------------------------------------------- reporting


@dataclass
class ReportDue:
    duty: ReportingDuty
    period: str  # "2022H1" or "2022"
    period_end: dt.date
    due: dt.date
    state: ReportState
    submitted: dt.date | None

    def to_json(self) -> dict[str, object]:
        return {"name": self.duty.name, "period": self.period, "period_end": self.period_end.isoformat(),
                "due": self.due.isoformat(), "state": self.state.value,
                "submitted": self.submitted.isoformat() if self.submitted else None}  # fmt: skip


def _due_date(period_end: dt.date, due_day: int | None) -> dt.date:
    if due_day is None:
        return period_end
    if period_end.year == dt.MAXYEAR and period_end.month == 12:
        return period_end  # the month after 9999-12 is past the calendar: its last day (as review due dates)
    following = Month.of(period_end).next()
    return dt.date(
        following.year, following.month, min(due_day, calendar.monthrange(following.year, following.month)[1])
    )


def report_periods(plan: PilotPlan, duty: ReportingDuty, as_of: dt.date) -> list[ReportDue]:
    """Every period of ``duty`` that ends within the plan, with its state on ``as_of``."""
    sent = {s.period: s.date for s in duty.submitted}
    result = []
    for year in range(plan.first_day.year, plan.last_day.year + 1):
        if duty.period is ReportPeriod.HALF_YEAR:
            label, end = f"{year}H1", dt.date(year, 6, 30)
        else:
            label, end = str(year), dt.date(year, 12, 31)
        if not plan.first_day <= end <= plan.last_day:
            continue
        due = _due_date(end, duty.due_day)
        submitted = sent.get(label)
        if submitted is not None and submitted <= as_of:
            state = ReportState.SUBMITTED
        elif due < as_of:
            state = ReportState.OVERDUE
        elif end <= as_of:
            state = ReportState.DUE
        else:
            state = ReportState.UPCOMING
        sent_on = submitted if state is ReportState.SUBMITTED else None
        result.append(ReportDue(duty, label, end, due, state, sent_on))
    return result


# --------------------------------------------------------------------------------------------- the plan


@dataclass
class PlanProgress:
    key: str | None  # the plan file's name without extension, when known
    plan: PilotPlan
    as_of: dt.date
    state: PlanState
    phases: list[PhaseProgress]
    targets: list[TargetProgress]
    tasks: list[TaskProgress]
    reports: list[ReportDue]

    @property
    def tracked(self) -> bool:
        """Whether done dates are kept up to date (an archived plan's open tasks mean "not recorded")."""
        return self.plan.status is PlanStatus.ACTIVE

    @property
    def current_phases(self) -> list[PhaseProgress]:
        """Every phase running on as_of, by start: phases that share months (P002) run at once."""
        return sorted((p for p in self.phases if p.state is PhaseState.CURRENT), key=_by_start)

    @property
    def current_phase(self) -> PhaseProgress | None:
        current = self.current_phases
        return current[0] if current else None

    @property
    def next_phase(self) -> PhaseProgress | None:
        """The upcoming phase that starts first: a plan may list its phases out of order (P001), and the one
        listed first was named even when another began months earlier."""
        return min((p for p in self.phases if p.state is PhaseState.UPCOMING), key=_by_start, default=None)

    @property
    def days_left(self) -> int:
        """Days after as_of until the plan's last day (0 once it has ended), also before it begins."""
        return max(0, (self.plan.last_day - self.as_of).days)

    def tasks_in(self, state: TaskState) -> list[TaskProgress]:
        return [t for t in self.tasks if t.state is state]

    @property
    def reports_due(self) -> list[ReportDue]:
        """Reports whose period is over and that have not been sent (overdue or due)."""
        return [r for r in self.reports if r.state in (ReportState.OVERDUE, ReportState.DUE)]

    @property
    def next_report(self) -> ReportDue | None:
        upcoming = [r for r in self.reports if r.state is ReportState.UPCOMING]
        return min(upcoming, key=lambda r: r.due) if upcoming else None

    def to_json(self) -> dict[str, object]:
        plan = self.plan
        current, following = self.current_phase, self.next_phase
        return {
            "plan": self.key, "title": plan.title, "issuers": list(plan.issuers),
            "issued": plan.issued.isoformat(),
            "answers": plan.answers.number if plan.answers else None, "status": plan.status.value,
            "tracked": self.tracked, "as_of": self.as_of.isoformat(), "start": plan.first_day.isoformat(),
            "end": plan.last_day.isoformat(), "state": self.state.value, "days_left": self.days_left,
            "current_phase": current.to_json() if current else None,
            "next_phase": following.to_json() if following else None,
            "phases": [p.to_json() for p in self.phases],
            "targets": [t.to_json() for t in self.targets],
            "tasks": {
                "done": len(self.tasks_in(TaskState.DONE)), "open": len(self.tasks_in(TaskState.OPEN)),
                "overdue": len(self.tasks_in(TaskState.OVERDUE)), "items": [t.to_json() for t in self.tasks],
            },
            "reporting": {
                "due": [r.to_json() for r in self.reports_due],
                "next": self.next_report.to_json() if self.next_report else None,
                "periods": [r.to_json() for r in self.reports],
            },
        }  # fmt: skip


def plan_progress(plan: PilotPlan | PlanFile, catalog: Catalog, as_of: dt.date) -> PlanProgress:
    """How far ``plan`` has come on ``as_of``: phase, targets counted in ``catalog``, tasks, reports."""
    key = plan.key if isinstance(plan, PlanFile) else None
    model = plan.plan if isinstance(plan, PlanFile) else plan
    if as_of < model.first_day:
        state = PlanState.NOT_STARTED
    elif as_of > model.last_day:
        state = PlanState.ENDED
    else:
        state = PlanState.RUNNING
    return PlanProgress(
        key=key,
        plan=model,
        as_of=as_of,
        state=state,
        phases=[_phase_progress(i, phase, as_of) for i, phase in enumerate(model.phases)],
        targets=[count_target(model, target, catalog, as_of) for target in model.targets],
        tasks=[task_progress(i, task, as_of) for i, task in enumerate(model.tasks)],
        reports=[due for duty in model.reporting for due in report_periods(model, duty, as_of)],
    )


def plan_evidence(plan_file: PlanFile) -> Iterator[tuple[Evidence, Loc]]:
    """Every evidence item of a plan (its tasks', milestones' and submitted reports'), with where it is."""
    plan = plan_file.plan
    for t, task in enumerate(plan.tasks):
        for e, item in enumerate(task.evidence):
            yield item, ("tasks", t, "evidence", e)
        for m, milestone in enumerate(task.milestones):
            for e, item in enumerate(milestone.evidence):
                yield item, ("tasks", t, "milestones", m, "evidence", e)
    for d, duty in enumerate(plan.reporting):
        for s, submission in enumerate(duty.submitted):
            for e, item in enumerate(submission.evidence):
                yield item, ("reporting", d, "submitted", s, "evidence", e)


def evidence_file_state(root: Path, file: str, present_then: Mapping[str, bool] | None = None) -> str:
    """``"outside"`` the catalog directory ``root``, ``"missing"`` or ``"present"``: an evidence file as P008
    judges it. ``present_then``: the catalog as it was at a revision (``Catalog.present_then``), where a file
    deleted or moved since was there and one added since was not."""
    try:
        top = root.resolve()
        target = (top / file).resolve()
        if not target.is_relative_to(top):
            return "outside"
        if present_then and (then := present_then.get(target.relative_to(top).as_posix())) is not None:
            return "present" if then else "missing"
        return "present" if target.is_file() else "missing"
    except (OSError, ValueError, RuntimeError):  # a NUL in the path, a loop of links: no file is there
        return "missing"


def evidence_states(catalog: Catalog) -> dict[str, str]:
    """The state of every evidence file the plans name. Lint reads them from the file system, not from the
    catalog's files (one may lie in a hidden directory, or outside): a cached or incremental run compares
    them as it compares the files' contents."""
    return {item.file: evidence_file_state(catalog.root, item.file)
            for plan_file in catalog.plans for item, _ in plan_evidence(plan_file) if item.file is not None}


def evidence_unchanged(root: Path, states: object) -> bool:
    """Whether the evidence files an earlier run recorded (:func:`evidence_states`) are as they were."""
    return isinstance(states, dict) and all(
        isinstance(file, str) and evidence_file_state(root, file) == state for file, state in states.items()
    )


__all__ = [
    "CountedStandard", "MissedDeadline", "PhaseProgress", "PhaseState", "Placement", "PlanProgress", "PlanState",
    "ReportDue", "ReportState", "TargetProgress", "TaskProgress", "TaskState", "count_target", "date_bounds",
    "evidence_file_state", "evidence_states", "evidence_unchanged", "module_scope", "placement", "plan_evidence",
    "plan_progress", "report_periods", "status_on", "target_window", "task_progress",
]  # fmt: skip

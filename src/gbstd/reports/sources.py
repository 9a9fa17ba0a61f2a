"""The bulletin's inputs that other parts of gbstd own: one function per source, one call each.

A bulletin must show the same numbers as the commands that own them — `gbstd review` (review state),
`gbstd dupes` (duplicates), `gbstd plan status` (pilot-plan progress), `gbstd pipeline` (projects, 立项) — never
a second computation. Each function below adapts its owner's result to the small shape the bulletin prints.
A source that cannot deliver on this machine (the framework diagram without Graphviz) returns
:class:`Unavailable`: the bulletin then prints a marked placeholder naming what is missing, never a number of
its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.federation_git import public_url
from gbstd.coverage import summarize
from gbstd.diagram import DiagramError, render_diagram
from gbstd.model.making import Stage
from gbstd.model.standard import Standard
from gbstd.pipeline import project_states, stage_events
from gbstd.plans import TaskState, plan_progress
from gbstd.reports.period import Period
from gbstd.review import conclusion_counts, in_force_on, review_worklist, reviews_between
from gbstd.similarity import find_groups
from gbstd.similarity.duplicates import Progress as DetectionProgress


@dataclass(frozen=True)
class Unavailable:
    """A figure that could not be produced here: what it is and why (in Chinese, as the placeholder says it)."""

    what: str  # "标准体系框架图"
    reason: str  # "找不到 Graphviz 的 dot 程序；请安装 Graphviz"

    @property
    def placeholder(self) -> str:
        return f"【待补充：{self.what}未能生成——{self.reason}】"

    def to_json(self) -> dict[str, object]:
        return {"available": False, "what": self.what, "reason": self.reason}


@dataclass
class ReviewFigures:
    """复审: reviews recorded in the period and the review state at the period's end."""

    reviewed: int  # reviews dated in the period
    by_conclusion: dict[str, int]  # 继续有效 / 修订 / 废止 → count
    overdue: int  # in force at the period's end and past their review date
    due_soon: int
    current: int
    overdue_hard: int = 0  # of ``overdue``: past the legal limit (5 years by default)
    zombies: int = 0  # in force past the review period with neither a review nor implementation evidence
    overdue_codes: list[str] = field(default_factory=list)
    state_by_code: dict[str, str] = field(default_factory=dict)  # canonical code → state label, for charts/site
    due_by_code: dict[str, str] = field(default_factory=dict)  # canonical code → next review due (ISO date)
    # A federation's overdue standards by member (the federating catalog's own under ""); empty for one catalog.
    overdue_by_member: dict[str, int] = field(default_factory=dict)
    # In force at the period's end with neither an effective nor a publication date: no clock to judge, so in
    # none of the three counts above; said beside them, or they would not add up to the standards in force.
    undated: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"available": True, **asdict(self)}


@dataclass
class DuplicatePair:
    a: str
    b: str
    score: float
    kind: str  # label, e.g. 重复上级标准
    reason: str
    advice: str = ""


@dataclass
class DuplicateFigures:
    """重复建设: groups of likely duplicates in the catalog, as `gbstd dupes` reports them.

    ``pairs`` are the pairs each group keeps (its strongest spanning set, not every pair of a large group);
    ``pair_total`` counts every pair at or above the threshold.
    """

    pairs: list[DuplicatePair]
    groups: int = 0
    records: int = 0
    pair_total: int = 0
    groups_by_kind: dict[str, int] = field(default_factory=dict)  # kind label → groups
    # A federation's groups whose standards come from two or more members: 重复建设 between provinces.
    groups_across_members: int | None = None  # None: not a federation

    @property
    def total(self) -> int:
        """Pairs at or above the threshold."""
        return self.pair_total

    def by_kind(self) -> dict[str, int]:
        """Groups by kind (a group's kind is its most actionable pair's: 同级重复 before 重复上级标准 …)."""
        return dict(self.groups_by_kind)

    def partners(self) -> dict[str, list[DuplicatePair]]:
        index: dict[str, list[DuplicatePair]] = {}
        for pair in self.pairs:
            index.setdefault(pair.a, []).append(pair)
            index.setdefault(pair.b, []).append(pair)
        return index

    def to_json(self) -> dict[str, object]:
        return {"available": True, "total": self.total, "groups": self.groups, "records": self.records,
                "groups_by_kind": self.groups_by_kind, "groups_across_members": self.groups_across_members,
                "pairs": [asdict(p) for p in self.pairs]}


@dataclass
class PlanTargetFigure:
    label: str
    counted: int
    target: int


@dataclass
class PlanProgressFigure:
    plan: str  # the plan's title
    state: str  # 未开始 / 实施中 / 已结束 at the period's end
    phase: str | None  # current phase at the period's end
    targets: list[PlanTargetFigure]
    tasks_done: int
    tasks_open: int
    tasks_overdue: int
    tracked: bool  # done dates are kept up to date (else open tasks mean "not recorded")


@dataclass
class PlanFigures:
    """试点引领: progress of each pilot plan at the period's end."""

    plans: list[PlanProgressFigure]

    def to_json(self) -> dict[str, object]:
        return {"available": True, "plans": [asdict(p) for p in self.plans]}


@dataclass
class ProjectFigures:
    """立项: standards approved for drafting in the period and projects in progress at its end."""

    approved: int
    approved_by_tier: dict[str, int]
    in_progress: int

    def to_json(self) -> dict[str, object]:
        return {"available": True, **asdict(self)}


def review_figures(catalog: Catalog, period: Period, as_of: dt.date) -> ReviewFigures:
    """复审: reviews dated in the period (:func:`gbstd.review.reviews_between`) and the review worklist at the
    period's end (:func:`gbstd.review.review_worklist`) — what ``gbstd review --as-of <period end>`` shows."""
    cutoff = min(period.end, as_of)
    worklist = review_worklist(catalog, catalog.config.review, cutoff)
    events = reviews_between(catalog, period.start, cutoff) if cutoff >= period.start else []
    summary = worklist.summary
    return ReviewFigures(
        reviewed=len(events),
        by_conclusion={conclusion.value: n for conclusion, n in conclusion_counts(events).items()},
        overdue=summary.overdue,
        due_soon=summary.due_soon,
        current=summary.current,
        overdue_hard=summary.overdue_hard,
        zombies=summary.zombies,
        overdue_codes=[state.key for state in worklist.items if state.is_overdue],
        state_by_code={state.key: state.state.label.zh for state in worklist.items},
        due_by_code={state.key: state.due.isoformat() for state in worklist.items if state.due},
        overdue_by_member=dict(Counter(state.record.member or "" for state in worklist.items if state.is_overdue))
        if catalog.members else {},
        undated=worklist.undated,
    )


def duplicate_figures(catalog: Catalog, as_of: dt.date, stages: DetectionProgress | None = None) -> DuplicateFigures:
    """Likely duplicates: the groups ``gbstd dupes`` reports (:func:`gbstd.similarity.find_groups` with the
    catalog's ``[duplicates]`` settings), among the standards that existed on ``as_of`` (published by then, or in
    force by their dates when undated). ``stages`` hears of detection's progress, stage by stage."""
    found = find_groups(catalog, catalog.config.duplicates, only=lambda r: _existed(r.standard, as_of),
                        progress=stages)
    kinds: dict[str, int] = {}
    across: int | None = 0
    for group in found.groups:
        kinds[group.kind.label.zh] = kinds.get(group.kind.label.zh, 0) + 1
        across += len({record.member for record in group.members}) > 1  # the federation's own count as one
    if not catalog.members:
        across = None
    return DuplicateFigures(
        [DuplicatePair(p.a, p.b, p.score, p.kind.label.zh, p.reason.zh, p.advice.zh) for g in found.groups for p in g.pairs],
        groups=len(found.groups), records=sum(len(g.members) for g in found.groups), pair_total=found.pair_count,
        groups_by_kind=kinds, groups_across_members=across,
    )


def _existed(standard: Standard, day: dt.date) -> bool:
    return standard.published <= day if standard.published else in_force_on(standard, day)


def plan_figures(catalog: Catalog, period: Period, as_of: dt.date) -> PlanFigures:
    """Progress, at the period's end, of every pilot plan that runs during the period — exactly what
    ``gbstd plan status --as-of <period end>`` shows (:func:`gbstd.plans.plan_progress`)."""
    cutoff = min(period.end, as_of)
    figures = []
    for plan_file in catalog.plans:
        plan = plan_file.plan
        if plan.first_day > cutoff or plan.last_day < period.start:
            continue
        progress = plan_progress(plan_file, catalog, cutoff)
        current = progress.current_phase
        figures.append(PlanProgressFigure(
            plan=plan.title,
            state=progress.state.label.zh,
            phase=current.phase.name if current else None,
            targets=[PlanTargetFigure(t.target.description, t.count, t.threshold) for t in progress.targets],
            tasks_done=len(progress.tasks_in(TaskState.DONE)),
            tasks_open=len(progress.tasks_in(TaskState.OPEN)),
            tasks_overdue=len(progress.tasks_in(TaskState.OVERDUE)),
            tracked=progress.tracked,
        ))
    return PlanFigures(figures)


def project_figures(catalog: Catalog, period: Period, as_of: dt.date) -> ProjectFigures:
    """立项 in the period and projects still being made at its end — the facts of ``gbstd pipeline``
    (:func:`gbstd.pipeline.stage_events`, :func:`gbstd.pipeline.project_states`)."""
    cutoff = min(period.end, as_of)
    approvals = stage_events(catalog, period.start, cutoff, stages=[Stage.APPROVAL]) if cutoff >= period.start else []
    by_tier: dict[str, int] = {}
    for event in approvals:
        tier = event.tier.value if event.tier else "unknown"
        by_tier[tier] = by_tier.get(tier, 0) + 1
    in_progress = sum(1 for state in project_states(catalog, cutoff) if state.active)
    return ProjectFigures(approved=len(approvals), approved_by_tier=by_tier, in_progress=in_progress)


@dataclass
class MemberSource:
    """Where a federation member's figures come from: the catalog as configured and the commit it was read at."""

    name: str
    kind: str  # "git" or "path"
    source: str  # the git URL or the path as configured in gbstd.toml (never the machine's absolute path)
    commit: str | None  # the commit read: the synced one (git), the work tree's HEAD (path), None outside git
    fetched_at: str | None  # when `gbstd federation sync` fetched it (git members)
    records: int  # records read from this member itself (not from members of its own)


def member_sources(catalog: Catalog) -> list[MemberSource]:
    """The members the union was loaded from, in config order (:attr:`Catalog.members`, written by the
    federation loader); empty for a catalog that federates nothing."""
    return [MemberSource(m.name, m.kind, public_url(m.source) if m.kind == "git" else m.source, m.commit,
                         m.fetched_at, m.records) for m in catalog.members]


@dataclass(frozen=True)
class Diagram:
    """The framework diagram (标准体系框架图) as drawn by :mod:`gbstd.diagram`."""

    png: bytes
    svg: bytes


def framework_diagram(catalog: Catalog, as_of: dt.date) -> Diagram | Unavailable:
    """The module tree with counts, drawn by Graphviz (``gbstd system --diagram``); Unavailable without a
    system file or without Graphviz, with the reason."""
    summary = summarize(catalog, as_of)
    try:
        # The bulletin's PNG figure has its caption (图4 …) under it: no second title inside the image.
        return Diagram(png=render_diagram(summary, "png", heading=False), svg=render_diagram(summary, "svg"))
    except DiagramError as exc:
        return Unavailable("标准体系框架图", exc.text.zh)

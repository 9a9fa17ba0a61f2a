"""Standards in the making: each project's stage and age, and the stage events of a period.

The bulletin's 申请立项 and 发布 figures count from here (:func:`stage_counts`), the ``pipeline``
command lists :func:`project_states`, and the S rules judge stalls and missing stages with the same facts.

A standard's making can be recorded twice — as a project file and as the ``making`` history of the
published record. :func:`stage_events` merges both into one item per standard, so nothing is counted twice:
an item is the published code when known (a project's ``result``, or a record), else the project id.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gbstd.catalog.catalog import Catalog, ProjectRecord
from gbstd.model.code import Tier
from gbstd.model.config import PipelineSection
from gbstd.model.making import Stage, StageEvent


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the end of a shorter month (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start: dt.date, end: dt.date) -> int:
    """Complete months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def reached(history: Iterable[StageEvent], as_of: dt.date | None = None) -> dict[Stage, StageEvent]:
    """Stage → the event that reached it (the first one, by date), ignoring events after ``as_of``."""
    found: dict[Stage, StageEvent] = {}
    for event in sorted(history, key=lambda e: e.date):
        if as_of is not None and event.date > as_of:
            continue
        found.setdefault(event.stage, event)
    return found


@dataclass
class ProjectState:
    """Where one project stands on a given day."""

    entry: ProjectRecord
    stage: Stage | None  # None: not even proposed by that day
    since: dt.date | None  # the day the current stage was reached
    months_in_stage: int
    withdrawn: bool
    stall_limit: int  # months allowed in the current stage

    @property
    def active(self) -> bool:
        """Still being made: reached a stage, not published, not withdrawn."""
        return self.stage is not None and self.stage is not Stage.PUBLICATION and not self.withdrawn

    @property
    def stalled(self) -> bool:
        return self.active and self.months_in_stage >= self.stall_limit

    @property
    def deadline(self) -> dt.date | None:
        """The day the project counts as stalled in its current stage."""
        return add_months(self.since, self.stall_limit) if self.since and self.active else None

    def to_json(self) -> dict[str, object]:
        project = self.entry.project
        return {
            "id": project.id,
            "title": project.title,
            "tier": project.tier.value,
            "region": project.region,
            "module": project.module,
            "stage": self.stage.value if self.stage else None,
            "since": self.since.isoformat() if self.since else None,
            "months_in_stage": self.months_in_stage,
            "stall_limit_months": self.stall_limit,
            "stalled": self.stalled,
            "withdrawn": self.withdrawn,
            "result": project.result,
            "path": self.entry.rel,
            "illustrative": project.illustrative,
        }


def project_state(entry: ProjectRecord, as_of: dt.date, policy: PipelineSection) -> ProjectState:
    project = entry.project
    events = reached(project.history, as_of)
    withdrawn = project.withdrawn is not None and project.withdrawn <= as_of
    if not events:
        return ProjectState(entry, None, None, 0, withdrawn, policy.stall_months)
    stage = max(events, key=lambda s: s.order)
    since = events[stage].date
    return ProjectState(entry, stage, since, whole_months(since, as_of), withdrawn, policy.months_for(stage))


def project_states(catalog: Catalog, as_of: dt.date) -> list[ProjectState]:
    """Every project's state on ``as_of``, in process order (then oldest in its stage first)."""
    policy = catalog.config.pipeline
    states = [project_state(entry, as_of, policy) for entry in catalog.projects]
    return sorted(states, key=lambda s: (
        s.withdrawn, s.stage.order if s.stage else -1, s.since or dt.date.min, s.entry.project.id,
    ))  # fmt: skip


@dataclass(frozen=True)
class MakingEvent:
    """One standard (or project) reaching one stage on one day."""

    stage: Stage
    date: dt.date
    item: str  # the published code, or "project:<id>" while it has none
    title: str
    tier: Tier | None
    region: str | None
    module: str | None
    path: str  # the file the date comes from

    def to_json(self) -> dict[str, object]:
        return {
            "stage": self.stage.value, "date": self.date.isoformat(), "item": self.item, "title": self.title,
            "tier": self.tier.value if self.tier else None, "region": self.region, "module": self.module,
            "path": self.path,
        }  # fmt: skip


def all_stage_events(catalog: Catalog) -> list[MakingEvent]:
    """Every stage reached by every standard and project, one event per (item, stage), sorted by date."""
    events: dict[tuple[str, Stage], MakingEvent] = {}
    project_item: dict[str, str] = {}
    for entry in catalog.projects:
        result = catalog.resolve(entry.project.result) if entry.project.result else None
        project_item[entry.project.id] = result.canonical if result else f"project:{entry.project.id}"
    # Records first: a published record's dates are the authoritative ones.
    for record in catalog.records:
        standard = record.standard
        item = record.key
        making = standard.making
        if making and making.project in project_item:
            project_item[making.project] = item
        history = list(making.history) if making else []
        if standard.published and not any(e.stage is Stage.PUBLICATION for e in history):
            history.append(StageEvent.model_construct(stage=Stage.PUBLICATION, date=standard.published))
        for stage, event in reached(history).items():
            events.setdefault((item, stage), MakingEvent(
                stage, event.date, item, standard.title,
                record.tier, record.region, standard.module, record.rel,
            ))  # fmt: skip
    for entry in catalog.projects:
        project = entry.project
        item = project_item[project.id]
        for stage, event in reached(project.history).items():
            events.setdefault((item, stage), MakingEvent(
                stage, event.date, item, project.title,
                project.tier, project.region, project.module, entry.rel,
            ))  # fmt: skip
    return sorted(events.values(), key=lambda e: (e.date, e.stage.order, e.item))


def stage_events(
    catalog: Catalog,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    stages: Iterable[Stage] | None = None,
) -> list[MakingEvent]:
    """Stage events dated within ``start``..``end`` (inclusive; None = open), optionally of some stages."""
    wanted = set(stages) if stages is not None else None
    return [
        e for e in all_stage_events(catalog)
        if (start is None or e.date >= start) and (end is None or e.date <= end)
        and (wanted is None or e.stage in wanted)
    ]  # fmt: skip


def undated_records(catalog: Catalog) -> list[str]:
    """The record files of standards that date no stage — no ``published``, no dated ``making`` history and no
    project whose history counts for them (its ``result``, or the record's ``making.project``): no period's
    stage counts can include them, and a report that counts stages says so."""
    dated = {event.item for event in all_stage_events(catalog)}
    return [record.rel for record in catalog.records if record.key not in dated]


def stage_counts(
    catalog: Catalog, start: dt.date | None = None, end: dt.date | None = None
) -> dict[Stage, int]:
    """How many standards reached each stage in the window (e.g. 立项 and 批准发布 for a bulletin)."""
    counted = Counter(e.stage for e in stage_events(catalog, start, end))
    return {stage: counted.get(stage, 0) for stage in Stage}

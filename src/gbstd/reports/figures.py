"""The figures of a bulletin's 基本情况, computed from the catalog for one period: the ``Bulletin`` object.

Counted from the standards' own dates: published (发布), taking effect (实施) and abolished (废止) in the period,
and the standards in force at its end (judged as the review clock judges it, :func:`gbstd.review.in_force_on`)
— each by tier, by region (province) and by module of the standard system. A record without a publication date
is placed by :func:`gbstd.plans.placement`, the rule `gbstd plan status` counts by. Events after ``as_of`` are not counted even when the period runs on (a report written mid-period says
"as of"). Facts owned by other parts of gbstd — review state, duplicates, pilot-plan progress, projects (立项) —
come from one call each in :mod:`gbstd.reports.sources`, so the bulletin shows the very numbers `gbstd review`,
`gbstd dupes`, `gbstd plan status` and `gbstd pipeline` show, and the framework diagram of `gbstd system`; the
diagram is an :class:`Unavailable` where Graphviz is missing, and the bulletin prints a marked placeholder.

Over a federation (:mod:`gbstd.catalog.federation`) the figures are the union's, and each count is also broken
down by member (``by_member``: a record's ``Record.member``, the federating catalog's own under ``OWN``); the
members read and the commit each was read at come with them (:func:`gbstd.reports.sources.member_sources`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

from gbstd.catalog.catalog import Catalog, Record
from gbstd.model.code import TIER_RANK, Tier
from gbstd.model.plan import DateBasis
from gbstd.model.regions import PROVINCES
from gbstd.plans import Placement, placement
from gbstd.reports.period import Period
from gbstd.reports.sources import (
    DetectionProgress,
    Diagram,
    DuplicateFigures,
    MemberSource,
    PlanFigures,
    ProjectFigures,
    ReviewFigures,
    Unavailable,
    duplicate_figures,
    framework_diagram,
    member_sources,
    plan_figures,
    project_figures,
    review_figures,
)
from gbstd.review import in_force_on

NO_MODULE = ""  # bucket of records without a (known) module
NO_REGION = ""  # bucket of records without a region (national, industry, group, internal standards)
OWN = ""  # bucket of a federation's own records (Record.member is None): 本级


@dataclass
class Count:
    """How many standards, with the same count broken down by tier, province and module, and their codes."""

    codes: list[str] = field(default_factory=list)
    by_tier: Counter[str] = field(default_factory=Counter)
    by_region: Counter[str] = field(default_factory=Counter)  # local standards only: 2-digit province code
    by_module: Counter[str] = field(default_factory=Counter)  # module id, or NO_MODULE
    by_member: Counter[str] = field(default_factory=Counter)  # federation member name, or OWN

    @property
    def total(self) -> int:
        return len(self.codes)

    def add(self, record: Record, module: str) -> None:
        self.codes.append(record.key)
        tier = record.tier
        self.by_tier[tier.value if tier else "unknown"] += 1
        if tier is Tier.LOCAL:  # a region of its own is what makes a standard local (DB codes)
            region = record.region
            self.by_region[region[:2] if region else NO_REGION] += 1
        self.by_module[module] += 1
        self.by_member[record.member or OWN] += 1

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "by_tier": dict(self.by_tier),
            "by_region": dict(self.by_region),
            "by_module": dict(self.by_module),
            "by_member": dict(self.by_member),
            "codes": self.codes,
        }


@dataclass
class Bulletin:
    """Everything a bulletin states as a number, for one catalog and one period."""

    period: Period
    as_of: dt.date
    system_name: str | None
    modules: dict[str, str]  # module id → name, in system order (leaf and parent modules)
    leaf_modules: list[str]  # modules without sub-modules: where standards are filed
    published: Count
    effective: Count
    abolished: Count
    in_force_at_end: Count
    # Records without a publication date whose code year, effective and abolition dates leave it possible, not
    # certain, that they were published in the period: the published count may miss them. (Those whose bounds lie
    # wholly inside it are counted as published, as `gbstd plan status` counts them.) Every undated record of the
    # catalog would name records that cannot belong to this period, in every period's bulletin.
    undated: list[str]
    records_total: int
    projects: ProjectFigures
    reviews: ReviewFigures
    duplicates: DuplicateFigures
    plans: PlanFigures
    diagram: Diagram | Unavailable
    # A federation (全国一张网): the members read, in config order, and the records each holds (OWN: the
    # federating catalog's own). Both empty for a catalog that federates nothing.
    members: list[MemberSource] = field(default_factory=list)
    records_by_member: Counter[str] = field(default_factory=Counter)

    @property
    def federated(self) -> bool:
        return bool(self.members)

    def member_rows(self) -> list[str]:
        """Rows of the per-member table: the federating catalog's own records (OWN) first when it holds any,
        then every member read, in config order — a member with nothing in the period still has its row."""
        own = [OWN] if self.records_by_member.get(OWN) else []
        return own + [member.name for member in self.members]

    @property
    def cutoff(self) -> dt.date:
        """The last day counted: the period's end, or ``as_of`` when the period is not over yet."""
        return min(self.period.end, self.as_of)

    @property
    def complete(self) -> bool:
        return self.as_of >= self.period.end

    def tiers(self) -> list[str]:
        """Tiers that appear in any figure, upper tiers first."""
        seen = set()
        for count in (self.published, self.effective, self.abolished, self.in_force_at_end):
            seen.update(count.by_tier)
        order = {tier.value: TIER_RANK[tier] for tier in Tier}
        return sorted(seen, key=lambda t: (order.get(t, 99), t))

    def regions(self) -> list[str]:
        seen = set()
        for count in (self.published, self.effective, self.abolished, self.in_force_at_end):
            seen.update(k for k in count.by_region if k != NO_REGION)
        return sorted(seen)

    def module_rows(self) -> list[str]:
        """Modules that hold any standard counted here, in the system's order; NO_MODULE last."""
        seen = set()
        for count in (self.published, self.effective, self.abolished, self.in_force_at_end):
            seen.update(count.by_module)
        ordered = [m for m in self.modules if m in seen]
        return ordered + sorted(m for m in seen if m not in self.modules)

    def to_json(self) -> dict[str, object]:
        def source(value: object) -> object:
            return value.to_json() if hasattr(value, "to_json") else value

        def count(value: Count) -> dict[str, object]:
            figures = value.to_json()
            if not self.federated:  # one catalog: every record is its own, a breakdown would say nothing
                del figures["by_member"]
            return figures

        return {
            "period": {"key": self.period.key, "label": self.period.label, "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "as_of": self.as_of.isoformat(),
            "cutoff": self.cutoff.isoformat(),
            "records_total": self.records_total,
            "published": count(self.published),
            "effective": count(self.effective),
            "abolished": count(self.abolished),
            "in_force_at_end": count(self.in_force_at_end),
            "undated": self.undated,
            "modules": self.modules,
            "leaf_modules": self.leaf_modules,
            "projects": source(self.projects),
            "reviews": source(self.reviews),
            "duplicates": source(self.duplicates),
            "plans": source(self.plans),
            "diagram": {"available": not isinstance(self.diagram, Unavailable)},
            # A federation's members (empty for one catalog) and the records each holds.
            "members": [asdict(member) for member in self.members],
            "records_by_member": dict(self.records_by_member),
        }


def tier_label(tier: str) -> str:
    try:
        return Tier(tier).label.zh
    except ValueError:
        return "层级不明"


def region_label(code: str) -> str:
    return PROVINCES.get(code, code) if code else "未注明地区"


def member_label(member: str) -> str:
    return member or "本级目录"


def module_label(bulletin: Bulletin, module: str) -> str:
    if not module:
        return "未归入模块"
    name = bulletin.modules.get(module)
    return f"{module} {name}" if name else f"{module}（不在体系中）"


def compute_bulletin(
    catalog: Catalog,
    period: Period,
    as_of: dt.date,
    *,
    progress: Callable[[int], None] | None = None,
    stages: DetectionProgress | None = None,
) -> Bulletin:
    """Compute every figure of the bulletin in one pass over the records, then ask each source once. A second
    file with a code the catalog already holds (C008) is the same standard: no figure counts it again.
    ``progress`` advances by one per record; ``stages`` hears of duplicate detection's."""
    repeated = set(catalog.repeated())
    if repeated:
        catalog = replace(catalog, records=[record for record in catalog.records if record.rel not in repeated])
    cutoff = min(period.end, as_of)
    counted = Period(period.start, cutoff, period.key, period.half) if cutoff >= period.start else None
    known_modules = catalog.modules
    published, effective, abolished, at_end = Count(), Count(), Count(), Count()
    undated: list[str] = []
    by_member: Counter[str] = Counter()
    for record in _records(catalog, progress):
        by_member[record.member or OWN] += 1
        standard = record.standard
        module = standard.module if standard.module else NO_MODULE
        if counted is not None:
            # one rule with `gbstd plan status`: a recorded date, or bounds wholly inside, is published here
            where = placement(record, DateBasis.PUBLISHED, counted.start, counted.end)
            if where is Placement.INSIDE:
                published.add(record, module)
            elif where is Placement.POSSIBLY:
                undated.append(record.key)
            if counted.contains(standard.effective):
                effective.add(record, module)
            if counted.contains(standard.abolished):
                abolished.add(record, module)
        if in_force_on(record.standard, cutoff):
            at_end.add(record, module)
    return Bulletin(
        period=period,
        as_of=as_of,
        system_name=catalog.system.name if catalog.system else None,
        modules=known_modules,
        leaf_modules=[m.id for m, _ in catalog.system.walk() if not m.modules] if catalog.system else [],
        published=published,
        effective=effective,
        abolished=abolished,
        in_force_at_end=at_end,
        undated=undated,
        records_total=len(catalog.records),
        # One document, one date: every table and chart is as of the last day counted (issue 21).
        projects=project_figures(catalog, period, cutoff),
        reviews=review_figures(catalog, period, cutoff),
        duplicates=duplicate_figures(catalog, cutoff, stages),
        plans=plan_figures(catalog, period, cutoff),
        diagram=framework_diagram(catalog, cutoff),
        members=member_sources(catalog),
        records_by_member=by_member if catalog.members else Counter(),
    )


def _records(catalog: Catalog, progress: Callable[[int], None] | None) -> Iterable[Record]:
    for record in catalog.records:
        yield record
        if progress:
            progress(1)

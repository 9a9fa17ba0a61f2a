"""Review tracking (复审): when each standard is due for review, and the worklist of the whole catalog.

Owns the review clock. A standard in force is reviewed every ``period_years`` (``[review]`` in gbstd.toml,
overridable per tier and per module). The clock starts at the effective date (the publication date when the
effective date is unknown) and restarts at every review; the review is due on that date plus the period.
Everything here is a pure function of the catalog, the policy and an ``as_of`` date: nothing reads the clock.

Calendar arithmetic gives :class:`dateutil.relativedelta.relativedelta`'s answers; it clamps to the end of the month:
three years after 2024-02-29 is 2027-02-28 (not 03-01), one month after 01-31 is 02-28/29. The earlier date
is the cautious choice for a deadline. A review is on time on its due date itself; it is overdue from the
next day. Reviews dated after ``as_of`` do not count (as of that day they had not happened), so the same
``as_of`` always gives the same answer, including for past periods in a bulletin.

Consumers: the R rules (through ``RuleContext.review_states``), ``gbstd review``, and the half-year bulletin
(``review_worklist(...).summary`` at the period's end, ``reviews_between`` for reviews in the period).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from gbstd.catalog.catalog import Catalog, Record
from gbstd.i18n import Lang, Text
from gbstd.model.code import Tier
from gbstd.model.config import ReviewPolicy
from gbstd.model.regions import unpadded
from gbstd.model.standard import Conclusion, Review, Standard, Status
from gbstd.model.system import Module, StandardSystem

# Calendar arithmetic done by hand with relativedelta's results (the tests compare the two over many dates):
# relativedelta builds an object, normalises it and asks the calendar module for every addition, a tenth of
# a cold lint's rule time. Memoised on top: a national catalog shares a few thousand distinct dates.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def _plus_months(day: dt.date, months: int) -> dt.date:
    """``day + relativedelta(months=months)``: the same day that many months on, clamped to the month's end —
    and to the calendar's last (or first) day: a review dated 9999-12-31 is due after the calendar ends."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    length = _month_length(year, month)
    return day.replace(year=year, month=month, day=length if day.day > length else day.day)


@lru_cache(maxsize=1 << 16)
def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole calendar years; Feb 29 becomes Feb 28 in a common year."""
    return _plus_months(day, 12 * years)


@lru_cache(maxsize=1 << 16)
def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of a shorter month."""
    return _plus_months(day, months)


@lru_cache(maxsize=1 << 16)
def whole_years(since: dt.date, until: dt.date) -> int:
    """Whole calendar years from ``since`` to ``until``, as ``relativedelta(until, since).years`` counts them
    (towards zero: the months whose addition to ``since`` does not pass ``until``), memoised: every zombie
    standard asks, and a national catalog shares a few thousand distinct dates."""
    months = (until.year - since.year) * 12 + until.month - since.month
    step = 1 if until < since else -1
    while (until > _plus_months(since, months)) if step == 1 else (until < _plus_months(since, months)):
        months += step
    return months // 12 if months >= 0 else -(-months // 12)


class DueState(str, Enum):
    """Where a standard stands in its review cycle as of a day."""

    OVERDUE_HARD = "overdue_hard"  # past the legal limit (hard_limit_years) without a review
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    CURRENT = "current"
    NOT_APPLICABLE = "not_applicable"  # not in force, or no date to start the clock from

    @property
    def label(self) -> Text:
        return DUE_STATE_LABELS[self]

    @property
    def rank(self) -> int:
        """Urgency: lower is more urgent."""
        return _RANK[self]

    @property
    def is_overdue(self) -> bool:
        return self in (DueState.OVERDUE, DueState.OVERDUE_HARD)


_RANK: dict[DueState, int] = {state: index for index, state in enumerate(DueState)}

DUE_STATE_LABELS: dict[DueState, Text] = {
    DueState.OVERDUE_HARD: Text("逾期（超法定上限）", "overdue (past legal limit)"),
    DueState.OVERDUE: Text("逾期", "overdue"),
    DueState.DUE_SOON: Text("临近到期", "due soon"),
    DueState.CURRENT: Text("未到期", "current"),
    DueState.NOT_APPLICABLE: Text("不适用", "not applicable"),
}


def in_force_on(standard: Standard, day: dt.date) -> bool:
    """Whether the standard is in force on ``day``, judged by its dates (the status field only without dates).

    A 废止 record without an abolition date is taken as not in force, and so is a 即将实施 one without an
    effective date (the publication date does not say it took effect); an undated record counts as in force
    only when its status says 现行.
    """
    if standard.abolished is not None and standard.abolished <= day:
        return False
    if standard.status is Status.ABOLISHED and standard.abolished is None:
        return False
    if standard.status is Status.UPCOMING and standard.effective is None:
        return False
    start = standard.effective or standard.published
    if start is None:
        return standard.status is Status.IN_FORCE
    return start <= day


@dataclass(frozen=True)
class ReviewState:
    """One record's review state as of ``as_of``."""

    record: Record = field(repr=False, compare=False)
    as_of: dt.date
    state: DueState
    in_force: bool
    period_years: int
    anchor: dt.date | None  # when the clock started: the last review, else the effective date
    anchor_source: str | None  # "review", "effective", "published" or None
    due: dt.date | None
    hard_due: dt.date | None  # anchor + hard_limit_years
    last_review: Review | None
    last_review_index: int | None  # index in the record's `reviews` list (for positions)
    reviewed: bool  # any review dated on or before as_of
    implemented: bool  # any implementation evidence dated on or before as_of (or undated)

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def days(self) -> int | None:
        """Days from ``as_of`` to the due date: positive = left, negative = overdue, None = no due date."""
        return (self.due - self.as_of).days if self.due else None

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days or 0))

    @property
    def days_remaining(self) -> int:
        return max(0, self.days or 0)

    @property
    def is_overdue(self) -> bool:
        return self.state.is_overdue

    @property
    def zombie(self) -> bool:
        return is_zombie(self)

    @property
    def sort_key(self) -> tuple[int, dt.date, str]:
        return (self.state.rank, self.due or dt.date.max, self.key)

    def to_json(self, lang: Lang = "zh") -> dict[str, object]:
        record = self.record
        last = self.last_review
        return {
            "code": record.key,
            "title": record.title,
            "path": record.rel,
            "tier": record.tier.value if record.tier else None,
            "region": record.region,
            "module": record.standard.module,
            "effective": _iso(record.standard.effective),
            "period_years": self.period_years,
            "anchor": _iso(self.anchor),
            "anchor_source": self.anchor_source,
            "due": _iso(self.due),
            "hard_due": _iso(self.hard_due),
            "days": self.days,
            "days_overdue": self.days_overdue,
            "days_remaining": self.days_remaining,
            "state": self.state.value,
            "state_label": self.state.label.get(lang),
            "last_review": None if last is None else {
                "date": last.date.isoformat(), "conclusion": last.conclusion.value,
                "conclusion_label": last.conclusion.label.get(lang), "by": last.by,
            },
            "zombie": self.zombie,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def has_implementation(standard: Standard, as_of: dt.date) -> bool:
    """Any implementation evidence that exists as of ``as_of`` (undated evidence counts)."""
    return any(item.since is None or item.since <= as_of for item in standard.implementations)


def latest_review(standard: Standard, as_of: dt.date) -> tuple[int, Review] | None:
    """The latest review dated on or before ``as_of`` with its index; on equal dates the later entry wins."""
    best: tuple[int, Review] | None = None
    for index, review in enumerate(standard.reviews):
        if review.date <= as_of and (best is None or review.date >= best[1].date):
            best = (index, review)
    return best


def _after(day: dt.date, span: relativedelta) -> dt.date:
    """``span`` after ``day``; past the calendar's end, its last day (`--due-within 99999y`)."""
    try:
        return day + span
    except (OverflowError, ValueError):
        return dt.date.max


def review_state(
    record: Record, policy: ReviewPolicy, as_of: dt.date, modules: Sequence[str] = ()
) -> ReviewState:
    """The review state of one record as of ``as_of``.

    ``modules`` is the record's module followed by its ancestors in the standard system (see
    :func:`module_ancestry`); it selects a per-module period. Without it only the record's own module is
    looked up.
    """
    std = record.standard
    chain = tuple(modules) or ((std.module,) if std.module else ())
    period = policy.period_for(record.tier, chain)
    in_force = in_force_on(std, as_of)
    found = latest_review(std, as_of)
    last_index, last = found if found else (None, None)
    start, source = (std.effective, "effective") if std.effective else (std.published, "published")
    if last is not None and (start is None or last.date >= start):
        # A review dated before the standard took effect (R006) cannot restart a clock not yet started.
        start, source = last.date, "review"
    implemented = has_implementation(std, as_of)
    if not in_force or start is None:
        return ReviewState(record, as_of, DueState.NOT_APPLICABLE, in_force, period, start,
                           source if start else None, None, None, last, last_index, last is not None,
                           implemented)
    due = add_years(start, period)
    hard_due = add_years(start, policy.hard_limit_years)
    if as_of > hard_due:
        state = DueState.OVERDUE_HARD
    elif as_of > due:
        state = DueState.OVERDUE
    elif due <= add_months(as_of, policy.due_soon_months):  # as `review --due-within` counts, month ends too
        state = DueState.DUE_SOON
    else:
        state = DueState.CURRENT
    return ReviewState(record, as_of, state, in_force, period, start, source, due, hard_due, last, last_index,
                       last is not None, implemented)


def is_zombie(state: ReviewState) -> bool:
    """僵尸标准: in force past its review period with neither a review nor any implementation evidence."""
    return state.in_force and state.is_overdue and not state.reviewed and not state.implemented


def zombie_states(catalog: Catalog, policy: ReviewPolicy, as_of: dt.date) -> list[ReviewState]:
    """The 僵尸标准 of the catalog as of ``as_of`` (see :func:`is_zombie`), most overdue first."""
    found = [state for state in review_states(catalog, policy, as_of) if is_zombie(state)]
    return sorted(found, key=lambda state: state.sort_key)


def module_ancestry(system: StandardSystem | None) -> dict[str, tuple[str, ...]]:
    """体系编号 → (the module, its parent, …, the top-level module), from the standard system's tree."""
    if system is None:
        return {}
    chains: dict[str, tuple[str, ...]] = {}

    def visit(modules: Iterable[Module], parents: tuple[str, ...]) -> None:
        for module in modules:
            chain = (module.id, *parents)
            chains.setdefault(module.id, chain)
            visit(module.modules, chain)

    visit(system.modules, ())
    return chains


def module_chain(record: Record, ancestry: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The record's module and its ancestors (``ancestry``: :func:`module_ancestry`)."""
    module = record.standard.module
    if module is None:
        return ()
    return ancestry.get(module, (module,))


def review_states(catalog: Catalog, policy: ReviewPolicy, as_of: dt.date) -> list[ReviewState]:
    """The review state of every record in the catalog, in catalog order."""
    ancestry = module_ancestry(catalog.system)
    return [review_state(record, policy, as_of, module_chain(record, ancestry)) for record in catalog.records]


@dataclass(frozen=True)
class ReviewSummary:
    """Counts over a worklist: ``overdue`` includes ``overdue_hard``."""

    overdue: int = 0
    overdue_hard: int = 0
    due_soon: int = 0
    current: int = 0
    zombies: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.current

    @classmethod
    def of(cls, states: Iterable[ReviewState]) -> ReviewSummary:
        counts: Counter[DueState] = Counter()
        zombies = 0
        for state in states:
            counts[state.state] += 1
            zombies += state.zombie
        return cls(
            overdue=counts[DueState.OVERDUE] + counts[DueState.OVERDUE_HARD],
            overdue_hard=counts[DueState.OVERDUE_HARD],
            due_soon=counts[DueState.DUE_SOON],
            current=counts[DueState.CURRENT],
            zombies=zombies,
        )

    def line(self, policy: ReviewPolicy) -> Text:
        """"12 overdue (3 past the 5-year limit), 5 due within 6 months, 83 current"."""
        months, limit = policy.due_soon_months, policy.hard_limit_years
        hard_zh = f"（其中超过 {limit} 年上限 {self.overdue_hard} 项）" if self.overdue_hard else ""
        hard_en = f" ({self.overdue_hard} past the {limit}-year limit)" if self.overdue_hard else ""
        return Text(
            f"逾期 {self.overdue} 项{hard_zh}，{months} 个月内到期 {self.due_soon} 项，"
            f"未到期 {self.current} 项",
            f"{self.overdue} overdue{hard_en}, {self.due_soon} due within {months} months, "
            f"{self.current} current",
        )

    def to_json(self) -> dict[str, int]:
        return {"overdue": self.overdue, "overdue_hard": self.overdue_hard, "due_soon": self.due_soon,
                "current": self.current, "zombies": self.zombies, "total": self.total}


@dataclass(frozen=True)
class Worklist:
    """In-force standards with their review states, most urgent first, and the counts over them."""

    as_of: dt.date
    items: list[ReviewState]
    summary: ReviewSummary
    undated: list[str] = field(default_factory=list)  # in force without an effective or publication date


def region_matches(region: str | None, wanted: Iterable[str]) -> bool:
    """A province code (41) matches itself and its cities and counties (4103, 410311); a code written with
    GB/T 2260's six digits (410300, 410000) is the city or province it names."""
    return region is not None and any(region.startswith(unpadded(prefix)) for prefix in wanted)


def review_worklist(
    catalog: Catalog,
    policy: ReviewPolicy,
    as_of: dt.date,
    *,
    tiers: Iterable[Tier] = (),
    regions: Iterable[str] = (),
    modules: Iterable[str] = (),
    overdue: bool = False,
    due_within: relativedelta | None = None,
) -> Worklist:
    """The review worklist: every standard in force on ``as_of``, filtered, sorted by urgency.

    Filters combine with AND across kinds; values within a kind with OR. ``modules`` match sub-modules
    (200 matches 201…205). State filters: ``overdue`` keeps overdue standards, ``due_within`` keeps standards
    not yet overdue whose due date is within that window; given both, either kind is kept.
    """
    tier_set, region_list, module_set = set(tiers), list(regions), set(modules)
    ancestry = module_ancestry(catalog.system)
    horizon = _after(as_of, due_within) if due_within is not None else None
    items: list[ReviewState] = []
    undated: list[str] = []
    for record in catalog.records:
        if tier_set and record.tier not in tier_set:
            continue
        if region_list and not region_matches(record.region, region_list):
            continue
        chain = module_chain(record, ancestry)
        if module_set and not module_set.intersection(chain):
            continue
        state = review_state(record, policy, as_of, chain)
        if state.state is DueState.NOT_APPLICABLE:
            if state.in_force and state.anchor is None:
                undated.append(record.key)  # in force, but no date to start its review clock from
            continue
        if overdue or horizon is not None:
            keep_overdue = overdue and state.is_overdue
            keep_due = (horizon is not None and not state.is_overdue and state.due is not None
                        and state.due <= horizon)
            if not (keep_overdue or keep_due):
                continue
        items.append(state)
    items.sort(key=lambda s: s.sort_key)
    return Worklist(as_of, items, ReviewSummary.of(items), undated)


@dataclass(frozen=True)
class ReviewEvent:
    """One review entry of one record (for "reviews in the period")."""

    record: Record
    index: int
    review: Review


def reviews_between(catalog: Catalog, start: dt.date, end: dt.date) -> list[ReviewEvent]:
    """Every review dated within ``start``…``end`` (both inclusive), by date then code."""
    events = [
        ReviewEvent(record, index, review)
        for record in catalog.records
        for index, review in enumerate(record.standard.reviews)
        if start <= review.date <= end
    ]
    events.sort(key=lambda e: (e.review.date, e.record.key, e.index))
    return events


def conclusion_counts(events: Iterable[ReviewEvent]) -> dict[Conclusion, int]:
    """How many reviews concluded 继续有效 / 修订 / 废止 (every conclusion present, zero or not)."""
    counts = Counter(event.review.conclusion for event in events)
    return {conclusion: counts[conclusion] for conclusion in Conclusion}


_WINDOW = re.compile(
    r"^\s*(?P<n>\d+)\s*(?P<unit>d|days?|天|w|weeks?|周|m|mo|months?|个月|月|y|years?|年)\s*$", re.IGNORECASE
)


def parse_window(text: str) -> relativedelta:
    """A window such as ``6m``, ``1y``, ``90d``, ``2w`` (also ``6个月``, ``1年``) as a calendar offset."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a window like 6m, 1y, 90d or 2w")
    n, unit = int(match["n"]), match["unit"].lower()
    if unit in ("d", "day", "days", "天"):
        return relativedelta(days=n)
    if unit in ("w", "week", "weeks", "周"):
        return relativedelta(weeks=n)
    if unit in ("y", "year", "years", "年"):
        return relativedelta(years=n)
    return relativedelta(months=n)


__all__ = [
    "DueState",
    "ReviewEvent",
    "ReviewState",
    "ReviewSummary",
    "Worklist",
    "add_months",
    "add_years",
    "conclusion_counts",
    "has_implementation",
    "in_force_on",
    "is_zombie",
    "latest_review",
    "module_ancestry",
    "parse_window",
    "region_matches",
    "review_state",
    "review_states",
    "review_worklist",
    "reviews_between",
    "zombie_states",
]

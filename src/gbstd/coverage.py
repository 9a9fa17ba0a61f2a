"""The standard system filled in: the standards and projects of each module, and the subjects covered.

One place computes these facts; the coverage and linkage rules (S001–S004, S007), ``gbstd system``, the
framework diagram and the reports all read them from here.

Subjects are matched simply on purpose (full duplicate detection lives in ``similarity``): two items cover
the same subject when they sit in the same module and share a *subject term* — a word from the module's
``subjects`` list (or its parents') found in the title (or, failing that, the scope), or the same *title
core*, the title without the usual organisation prefix (党政机关, 机关, …) and document-type suffix
(规范, 指南, …).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from gbstd.catalog.catalog import Catalog, Record
from gbstd.model.code import TIER_RANK, Tier
from gbstd.model.standard import Status
from gbstd.model.system import Module
from gbstd.pipeline import ProjectState, project_states
from gbstd.review import ReviewState, in_force_on, is_zombie, review_states

UNASSIGNED = "—"

_ORG_PREFIXES = (
    "党政机关及事业单位",
    "市级党政机关",
    "党政机关",
    "省直机关",
    "市直机关",
    "机关事务",
    "公共机构",
    "机关",
)
_DOC_SUFFIXES = (
    "规范",
    "指南",
    "导则",
    "通则",
    "规程",
    "要求",
    "标准",
    "办法",
    "细则",
    "规则",
    "指引",
    "准则",
)
_WEAK_SUFFIXES = ("管理", "服务", "工作", "建设", "与", "和", "及")
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 16)  # a national catalog repeats the same titles region after region
def title_core(title: str) -> str:
    """``机关公务用车服务规范`` → ``公务用车``: the title without organisation prefix and type suffix."""
    text = _NOT_WORD.sub("", unicodedata.normalize("NFKC", title))
    for prefix in _ORG_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
            break
    changed = True
    while changed:
        changed = False
        for suffix in (*_DOC_SUFFIXES, *_WEAK_SUFFIXES):
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
    return text


@dataclass
class Counts:
    """Standards and projects of one module (or subtree)."""

    in_force: int = 0
    upcoming: int = 0
    abolished: int = 0
    in_progress: int = 0
    overdue_reviews: int = 0
    zombies: int = 0  # in force, but past the review period with no review and no implementation evidence

    def add(self, other: Counts) -> None:
        self.in_force += other.in_force
        self.upcoming += other.upcoming
        self.abolished += other.abolished
        self.in_progress += other.in_progress
        self.overdue_reviews += other.overdue_reviews
        self.zombies += other.zombies

    @property
    def standards(self) -> int:
        return self.in_force + self.upcoming + self.abolished

    def to_json(self) -> dict[str, int]:
        return {
            "in_force": self.in_force, "upcoming": self.upcoming, "abolished": self.abolished,
            "in_progress": self.in_progress, "overdue_reviews": self.overdue_reviews, "zombies": self.zombies,
        }  # fmt: skip


@dataclass
class ModuleNode:
    """One module with its own standards and projects, and counts for itself and its whole subtree."""

    module: Module
    loc: tuple[int | str, ...]
    depth: int
    parent: ModuleNode | None = None
    children: list[ModuleNode] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    projects: list[ProjectState] = field(default_factory=list)
    own: Counts = field(default_factory=Counts)
    total: Counts = field(default_factory=Counts)

    @property
    def id(self) -> str:
        return self.module.id

    @property
    def gap(self) -> bool:
        """No standard in force anywhere in this module's subtree."""
        return self.total.in_force == 0

    def walk(self) -> Iterator[ModuleNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def subtree_records(self) -> Iterator[Record]:
        for node in self.walk():
            yield from node.records

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.module.name,
            "name_en": self.module.name_en,
            "extension": self.module.extension,
            "own": self.own.to_json(),
            "total": self.total.to_json(),
            "gap": self.gap,
            "standards": [r.key for r in self.records],
            "projects": [s.entry.project.id for s in self.projects],
            "modules": [child.to_json() for child in self.children],
        }


@dataclass
class SystemSummary:
    """The system on one day: the module tree with counts, plus what sits outside it."""

    name: str
    adopted_from: str | None
    as_of: dt.date
    roots: list[ModuleNode]
    unassigned: ModuleNode  # records and projects with no module, or an unknown one
    overall: Counts

    def nodes(self) -> Iterator[ModuleNode]:
        for root in self.roots:
            yield from root.walk()

    def node(self, module_id: str) -> ModuleNode | None:
        return next((n for n in self.nodes() if n.id == module_id), None)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "adopted_from": self.adopted_from,
            "as_of": self.as_of.isoformat(),
            "overall": self.overall.to_json(),
            "modules": [root.to_json() for root in self.roots],
            "unassigned": {
                "own": self.unassigned.own.to_json(),
                "standards": [r.key for r in self.unassigned.records],
                "projects": [s.entry.project.id for s in self.unassigned.projects],
            },
        }


def status_on(record: Record, day: dt.date) -> Status | None:
    """The record's status on ``day`` judged by its dates, as the bulletin counts (:func:`in_force_on`); None
    when it was not made yet (published after ``day``, or its code's year later than ``day``'s). A record
    without any date is as its status says. ``system --as-of 2020-06-30`` counted every record by the status
    written today: 现行 43 where the bulletin of 2020H1 said 5."""
    std = record.standard
    if std.published is None and std.effective is None and std.abolished is None:
        return std.status
    if in_force_on(std, day):
        return Status.IN_FORCE
    if (std.abolished is not None and std.abolished <= day) or (std.abolished is None and std.status is Status.ABOLISHED):
        return Status.ABOLISHED
    made = std.published <= day if std.published is not None else (record.code is None or record.code.year <= day.year)
    return Status.UPCOMING if made else None


def _add_own(counts: Counts, added: OwnCounts) -> None:
    in_force, upcoming, abolished, overdue, zombies = added
    counts.in_force += in_force
    counts.upcoming += upcoming
    counts.abolished += abolished
    counts.overdue_reviews += overdue
    counts.zombies += zombies


def own_counts(summary: SystemSummary) -> dict[str, OwnCounts]:
    """Each module's own counts of standards in ``summary`` (those of no module under :data:`UNASSIGNED`)."""
    def of(counts: Counts) -> OwnCounts:
        return (counts.in_force, counts.upcoming, counts.abolished, counts.overdue_reviews, counts.zombies)

    found = {node.id: of(node.own) for node in summary.nodes()}
    found[UNASSIGNED] = of(summary.unassigned.own)
    return found


# What a record adds to its module's own counts: in force, upcoming, abolished, overdue reviews, zombies (in
# that order; :func:`record_counts`). Incremental lint keeps these sums per module between runs.
OwnCounts = tuple[int, int, int, int, int]
UNASSIGNED = ""  # the key of the records in no module of the system, in counts by module


def record_counts(record: Record, as_of: dt.date, state: ReviewState | None) -> OwnCounts | None:
    """What ``record`` adds to its module's own counts on ``as_of`` (``state``: its review state then);
    None when it was not made yet on that day."""
    status = status_on(record, as_of)
    if status is None:
        return None
    overdue = state is not None and state.in_force and state.is_overdue
    zombie = state is not None and overdue and is_zombie(state)
    in_force, upcoming = status is Status.IN_FORCE, status is Status.UPCOMING
    return int(in_force), int(upcoming), int(not in_force and not upcoming), int(overdue), int(zombie)


def module_key(record: Record, modules: Mapping[str, object]) -> str:
    """The module whose own counts ``record`` is in: its own when the system has it (``modules``), else none."""
    module = record.standard.module or ""
    return module if module in modules else UNASSIGNED


def summarize(
    catalog: Catalog, as_of: dt.date, reviews: Sequence[ReviewState] | None = None,
    counts: Mapping[str, OwnCounts] | None = None,
) -> SystemSummary:
    """Counts per module on ``as_of``; ``reviews`` (one state per record, from ``review.review_states``) adds
    the overdue-review and zombie counts. Callers that already hold the states pass them to avoid a recount.
    ``counts``: each module's own counts of standards, already summed (:func:`own_counts`); the nodes then
    list no records."""
    system = catalog.system
    nodes: dict[str, ModuleNode] = {}

    def build(
        modules: list[Module], loc: tuple[int | str, ...], depth: int, parent: ModuleNode | None
    ) -> list[ModuleNode]:
        built = []
        for index, module in enumerate(modules):
            node = ModuleNode(module, (*loc, index), depth, parent)
            nodes.setdefault(module.id, node)
            node.children = build(module.modules, (*loc, index, "modules"), depth + 1, node)
            built.append(node)
        return built

    roots = build(system.modules, ("modules",), 0, None) if system else []
    unassigned = ModuleNode(Module(id="0", name="未归类"), (), 0)
    if counts is None:
        if reviews is None:
            reviews = review_states(catalog, catalog.config.review, as_of)
        review_of = {id(state.record): state for state in reviews}
        for record in catalog.records:
            added = record_counts(record, as_of, review_of.get(id(record)))
            if added is not None:  # not made yet on that day when None
                node = nodes.get(record.standard.module or "", unassigned)
                node.records.append(record)
                _add_own(node.own, added)
    else:
        for key, added in counts.items():
            _add_own(nodes.get(key, unassigned).own, added)  # UNASSIGNED ("") is no module's id
    for state in project_states(catalog, as_of):
        if state.active:
            node = nodes.get(state.entry.project.module or "", unassigned)
            node.projects.append(state)
            node.own.in_progress += 1

    def total(node: ModuleNode) -> Counts:
        node.total = Counts()
        node.total.add(node.own)
        for child in node.children:
            node.total.add(total(child))
        return node.total

    overall = Counts()
    for root in roots:
        overall.add(total(root))
    unassigned.total.add(unassigned.own)
    overall.add(unassigned.own)
    return SystemSummary(
        name=system.name if system else "",
        adopted_from=system.adopted_from if system else None,
        as_of=as_of,
        roots=roots,
        unassigned=unassigned,
        overall=overall,
    )


_Entry = tuple[str, Record, "dt.date | None", bool]  # key, record, date (published, else effective), local
_Upper = tuple[Record, AbstractSet[str], "dt.date | None"]  # record, shared terms, date


class SubjectIndex:
    """Subject terms of standards and projects, and which in-force standards cover a subject in a module."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # Terms by (module, title, scope, extra): computed once for the index and its queries alike.
        self._terms: dict[tuple[str | None, str, str | None, tuple[str, ...]], frozenset[str]] = {}
        modules = catalog.system.module_ids() if catalog.system else {}
        parents = catalog.system.parents() if catalog.system else {}
        self._subjects: dict[str, tuple[str, ...]] = {}
        for module_id in modules:
            words: list[str] = []
            current: str | None = module_id
            while current is not None:
                words.extend(modules[current].subjects)
                current = parents.get(current)
            # Longest first, so that 反食品浪费 is found before 浪费.
            self._subjects[module_id] = tuple(sorted(set(words), key=len, reverse=True))
        # (module, term, reach) → in-force records that may cover that subject there. ``reach`` is "" for
        # national and industry standards (everywhere) and the region code for local and internal ones, so a
        # query looks up only its own region and the divisions above it — never a whole module's records.
        # Each entry: (key, record, its date — published, else effective —, whether it is a local standard).
        self._in_force: dict[tuple[str, str, str], list[_Entry]] = defaultdict(list)
        # (module, terms) → the national and industry part of uppers_sharing (terms recur module by module).
        self._national: dict[tuple[str, frozenset[str]], dict[str, _Upper]] = {}
        for record in catalog.records:
            module = record.standard.module
            if record.status is not Status.IN_FORCE or not module:
                continue
            if record.tier in (Tier.NATIONAL, Tier.INDUSTRY):
                reach = ""
            elif record.tier in (Tier.LOCAL, Tier.INTERNAL) and record.region:
                reach = record.region
            else:
                continue  # group and enterprise standards bind only their members
            # Key and date with the record: a query touches each several times.
            entry = (record.key, record, record.standard.published or record.standard.effective,
                     record.tier is Tier.LOCAL)
            for term in self.record_terms(record):
                self._in_force[(module, term, reach)].append(entry)

    def terms(
        self, module: str | None, title: str, scope: str | None = None, extra: tuple[str, ...] = ()
    ) -> frozenset[str]:
        """Module subject words in the title (else in the scope), ``extra`` words, and the title core."""
        key = (module, title, scope, extra)
        known = self._terms.get(key)
        if known is None:
            known = self._terms[key] = self._find_terms(module, title, scope, extra)
        return known

    def _find_terms(
        self, module: str | None, title: str, scope: str | None, extra: tuple[str, ...]
    ) -> frozenset[str]:
        subjects = self._subjects.get(module or "", ())
        found = {word for word in subjects if word in title}
        if not found and scope:
            found = {word for word in subjects if word in scope}
        found.update(word for word in extra if word)
        core = title_core(title)
        if len(core) >= 2:
            found.add(f"≡{core}")
        return frozenset(found)

    def record_terms(self, record: Record) -> frozenset[str]:
        return self.terms(record.standard.module, record.title, record.standard.scope)

    def in_force_sharing(
        self, module: str | None, terms: frozenset[str], region: str | None
    ) -> dict[str, tuple[Record, set[str]]]:
        """In-force standards of ``module`` sharing a term that apply in ``region``: national and industry
        ones, and local or internal ones of ``region`` or a division containing it.

        Returns key → (record, shared terms). Group and enterprise standards are not indexed.
        """
        found: dict[str, tuple[Record, set[str]]] = {}
        if not module:
            return found
        reaches_here = [""]
        if region:
            reaches_here += [region[:length] for length in range(2, len(region) + 1, 2)]
        index = self._in_force
        for term in terms:
            for reach in reaches_here:
                for key, record, _, _ in index.get((module, term, reach), ()):
                    known = found.get(key)
                    if known is None:
                        found[key] = (record, {term})
                    else:
                        known[1].add(term)
        return found

    def uppers_sharing(
        self, module: str | None, terms: frozenset[str], tier: Tier | None, region: str | None
    ) -> dict[str, _Upper]:
        """:meth:`in_force_sharing` for a ``tier`` standard of ``region``, kept to the standards upper-tier
        to it (:func:`reaches`), with their dates (published, else effective): S003's search, which asks it
        for every local standard. Reach is decided by the index's own keys: national and industry standards
        sit under reach "" and reach everywhere; a local one under a division reaches internal standards
        there and the divisions below; an internal one reaches none."""
        if not module or tier not in (Tier.LOCAL, Tier.INTERNAL):
            return {}
        national = self._national.get((module, terms))
        if national is None:  # the same for every local standard of the module with these terms
            national = self._national[(module, terms)] = {
                key: (record, frozenset(shared), day)
                for key, (record, shared, day) in self._sharing(module, terms, [("", True)]).items()
            }
        if not region:
            return dict(national)
        below = tier is Tier.INTERNAL
        reaches_here = [(region[:size], below or size < len(region)) for size in range(2, len(region) + 1, 2)]
        regional = self._sharing(module, terms, reaches_here)
        if not national.keys().isdisjoint(regional):  # one key on records of two reaches (C008's case): the
            return self._sharing(module, terms, [("", True), *reaches_here])  # one met first wins, as ever
        found = dict(national)
        found.update(regional)
        return found

    def _sharing(
        self, module: str, terms: frozenset[str], reaches_here: list[tuple[str, bool]]
    ) -> dict[str, _Upper]:
        """:meth:`uppers_sharing`'s search over the given reaches, each with whether local standards there
        count (national and industry ones, the only ones under reach "", always do)."""
        found: dict[str, _Upper] = {}
        index = self._in_force
        for term in terms:
            for reach, local_reaches in reaches_here:
                for key, record, day, local in index.get((module, term, reach), ()):
                    if reach and not (local and local_reaches):
                        continue
                    known = found.get(key)
                    if known is None:
                        found[key] = (record, {term}, day)
                    else:
                        known[1].add(term)  # type: ignore[attr-defined]  # a set while it is built here
        return found


def show_terms(terms: set[str]) -> str:
    """Terms for a message: title cores are shown as the words they are."""
    return "、".join(sorted({t.lstrip("≡") for t in terms}))  # a word and the same word as a title core: once


def reaches(
    upper_tier: Tier | None, upper_region: str | None, lower_tier: Tier | None, lower_region: str | None
) -> bool:
    """Whether a standard of ``upper_*`` is an upper-tier standard for one of ``lower_*`` (衔接 applies).

    National and industry standards are upper to local and internal ones everywhere; a local standard is
    upper to local standards of its sub-divisions and to internal standards of its division and below.
    """
    if upper_tier is None or lower_tier not in (Tier.LOCAL, Tier.INTERNAL):
        return False
    if upper_tier in (Tier.NATIONAL, Tier.INDUSTRY):
        return True
    if upper_tier is not Tier.LOCAL or not upper_region or not lower_region:
        return False
    if not lower_region.startswith(upper_region):
        return False
    return lower_tier is Tier.INTERNAL or len(lower_region) > len(upper_region)


def is_upper_tier(upper: Tier | None, lower: Tier | None) -> bool:
    return upper is not None and lower is not None and TIER_RANK[upper] < TIER_RANK[lower]

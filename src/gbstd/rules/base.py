"""What a rule is: a code, a default severity, bilingual docs in its docstring, and a ``check``.

Rules yield findings without code or severity decisions of their own: the engine stamps the rule's code and
the configured severity, applies select/ignore and inline suppressions. A rule's docstring is its
documentation (``gbstd rule CODE --lang en``): *What it does / Why it matters / Example / Use instead*;
its Chinese text, with the same four sections, is in ``rules/docs_zh.py``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.catalog import Catalog, ProjectRecord, Record
from gbstd.catalog.lineage import Lineage
from gbstd.catalog.naming import Reach
from gbstd.coverage import OwnCounts, SubjectIndex, SystemSummary, module_key, record_counts, summarize
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Standard
from gbstd.pipeline import ProjectState, project_states
from gbstd.review import ReviewState, module_ancestry, module_chain, review_state
from gbstd.rules import docs_zh

if TYPE_CHECKING:
    from gbstd.rules._dupes_memo import DuplicateMemo
    from gbstd.similarity import DuplicateGroups

# What a catalog-wide rule may read of other records, in groups of Standard fields. Incremental lint keeps a
# digest of each group per record and re-runs a catalog-wide rule only when a group it reads changed (or a
# record was added, removed or renamed). Every field belongs to exactly one group.
FACT_GROUPS: dict[str, tuple[str, ...]] = {
    "code": ("code", "tier", "nature", "region"),
    "title": ("title",),
    "status": ("status",),
    "dates": ("published", "effective", "abolished"),
    "lineage": ("replaces", "replaced_by"),
    "refs": ("references", "adopts", "refines"),
    "module": ("module",),
    "making": ("making",),
    "reviews": ("reviews", "implementations"),
    "dupes": ("scope", "issuer", "administering_body", "distinct_from"),
    "suppress": ("suppress",),  # read by the engine (inline suppressions), never by a rule
    "other": (
        "title_en", "competent_department", "drafters", "ccs", "ics", "sources",
        "illustrative", "note", "extra",
    ),
}  # fmt: skip
# The default of catalog-wide rules: what they read today (review history, free text and suppressions are
# read by none of them; a rule that starts to read one must declare it in ``reads``).
CATALOG_FACTS: frozenset[str] = frozenset(FACT_GROUPS) - {"reviews", "suppress", "other"}
WITH_REVIEWS: frozenset[str] = CATALOG_FACTS | {"reviews"}
# Duplicate detection (the D rules) reads codes, titles, scopes, statuses, regions, supersession links,
# references, distinct_from, modules and issuing/administering bodies: not dates, making or reviews.
DUPLICATE_FACTS: frozenset[str] = frozenset({"code", "title", "status", "lineage", "refs", "dupes", "module"})


def changed_facts(before: Standard, after: Standard) -> frozenset[str]:
    """The groups of FACT_GROUPS in which two versions of one record's standard differ; a change of its
    inline suppressions counts as every group (a finding of any rule may be silenced or shown by it)."""
    changed = frozenset(
        group for group, fields in FACT_GROUPS.items()
        if any(getattr(before, name) != getattr(after, name) for name in fields)
    )
    return frozenset(FACT_GROUPS) if "suppress" in changed else changed


def find_groups(*args: Any, **kwargs: Any) -> DuplicateGroups:
    """:func:`gbstd.similarity.find_groups`, imported when first called: the similarity package brings numpy,
    rapidfuzz and the rest, which only the D rules need (a tenth of a second of every other run's start)."""
    from gbstd.similarity import find_groups as find

    return find(*args, **kwargs)


def import_detection() -> None:
    """Import what :func:`find_groups` needs ahead of it (a process that waits for its job does it meanwhile)."""
    import gbstd.similarity  # noqa: F401


# What a rule names in ``RuleContext.remade`` when it cannot tell which files it re-made (its incremental inputs
# are damaged): the incremental run gives way to a full one. No file's path is empty.
REMADE_UNKNOWN: frozenset[str] = frozenset({""})


@dataclass(frozen=True)
class Changes:
    """What an incremental lint run changed since the run whose findings the lint state holds: each record file
    edited in place as that run read it (None: not known), whether files were added or removed besides, and the
    catalog-wide rules whose findings of every file the state holds. ``added`` and ``removed`` name those files
    (a removed one as that run read it, None: not known) when the run knows them; a change that says only that
    files came or went (``added_or_removed`` with neither) lets no rule narrow its work."""

    before: Mapping[str, Record | None]
    added_or_removed: bool
    held: frozenset[str]
    added: frozenset[str] = frozenset()
    removed: Mapping[str, Record | None] = field(default_factory=dict)

    @property
    def rels(self) -> set[str]:
        """Every record file edited, added or removed."""
        return {*self.before, *self.added, *self.removed}

    def sides(self, catalog: Catalog) -> list[tuple[Record | None, Record | None]] | None:
        """Each changed record as it was and as it is, None on the side where it is no record (added, removed,
        or not a valid record there); None when a side that was a record is not known."""
        if self.added_or_removed and not (self.added or self.removed):
            return None
        if any(old is None for old in (*self.before.values(), *self.removed.values())):
            return None  # the state's run read a record there (or a file that was none): not known which
        wanted = {*self.before, *self.added}
        now = {record.rel: record for record in catalog.records if record.rel in wanted}
        found: list[tuple[Record | None, Record | None]] = [(old, now.get(rel)) for rel, old in self.before.items()]
        found += [(None, now[rel]) for rel in sorted(self.added) if rel in now]
        found += [(old, None) for old in self.removed.values()]
        return found


class RuleContext:
    """Everything a rule may look at. ``as_of`` is "today": rules never read the clock.

    Facts that several rules need (the supersession graph, …) are computed once, here, on first use.
    ``baseline`` is the catalog at the revision given to ``lint --changed-since`` (None otherwise); rules
    that compare then and now set ``needs_baseline`` and only run when it is there.
    """

    def __init__(self, catalog: Catalog, as_of: dt.date, baseline: Baseline | None = None) -> None:
        self.catalog = catalog
        self._as_of = as_of
        self.baseline = baseline
        # The rule being checked (set by the engine), and the rules that read "today" while checked — as_of
        # itself or a fact made from it. Incremental lint runs only those again when the day changes: a rule
        # that did not read the date found what it found on any day.
        self.running: str | None = None
        self.dated: set[str] = set()
        self._of_today: dict[str, Any] = {}
        self._review_of: dict[str, ReviewState] = {}  # by file path, before every record's were made
        # Set by incremental lint: the D rules' findings of earlier runs, so detection skips what they cover.
        self.duplicate_memo: DuplicateMemo | None = None
        # Set by incremental lint: what changed since the run whose findings the lint state holds.
        self.changes: Changes | None = None
        # Set by incremental lint: each module's own counts of standards (coverage.own_counts) of the catalog as
        # that run read it, on this day, when the state holds them; the module rules then count only the changes.
        self.module_counts: Mapping[str, OwnCounts] | None = None
        # The record files a rule re-checked, by rule code, when it re-checked only those: its findings of every
        # other record file are those the lint state holds already.
        self.remade: dict[str, frozenset[str]] = {}
        # What a rule left to do once its findings are out (the D rules' memo when nothing could be reused): a
        # forked child does it after sending its findings, the main process after the rule.
        self.deferred: list[Callable[[], None]] = []

    @cached_property
    def lineage(self) -> Lineage:
        return Lineage(self.catalog)

    @cached_property
    def duplicates(self) -> DuplicateGroups:
        """Groups of likely duplicates (``gbstd dupes``), streamed once for all D rules; with a
        ``duplicate_memo`` the groups of the components it holds are left out (the D rules take those
        findings from the memo)."""
        memo = self.duplicate_memo
        if memo is None:
            return find_groups(self.catalog, self.catalog.config.duplicates, lineage=self.lineage)
        learned = memo.learned()
        groups = find_groups(self.catalog, self.catalog.config.duplicates, lineage=self.lineage,
                             reuse=memo.reuse(), components=True, learned=learned)
        self.deferred.append(lambda: memo.save_learned(learned))  # written once the findings are out
        return groups

    def _reading_the_day(self) -> None:
        """The running rule read ``as_of`` or a fact made from it (see ``dated``)."""
        if self.running is not None:
            self.dated.add(self.running)

    @property
    def as_of(self) -> dt.date:
        self._reading_the_day()
        return self._as_of

    def _today(self, name: str, make: Callable[[], Any]) -> Any:
        """A fact made from ``as_of``, once; reading it counts as reading the date (see ``dated``)."""
        self._reading_the_day()
        found = self._of_today.get(name)
        if found is None:
            found = self._of_today[name] = make()
        return found

    @property
    def system_summary(self) -> SystemSummary:
        """Standards and projects per module of the standard system, on ``as_of``: from ``module_counts`` and
        what the changes added and took away when incremental lint holds them, else from every record."""
        return self._today("system_summary", self._summary)

    def made_summary(self) -> SystemSummary | None:
        """The system summary, if a rule has made it (without making it)."""
        found: SystemSummary | None = self._of_today.get("system_summary")
        return found

    def _summary(self) -> SystemSummary:
        held = self.module_counts
        sides = self.change_sides if held is not None else None
        if held is None or sides is None:
            return summarize(self.catalog, self.as_of, list(self.review_states.values()))
        modules, policy = self._ancestry, self.catalog.config.review
        counts = dict(held)
        for sign, version in [(-1, old) for old, _ in sides] + [(1, new) for _, new in sides]:
            if version is None:
                continue
            added = record_counts(version, self._as_of, review_state(
                version, policy, self._as_of, self._modules_of(version)))
            if added is not None:
                key = module_key(version, modules)
                was = counts.get(key, (0, 0, 0, 0, 0))
                counts[key] = tuple(a + sign * b for a, b in zip(was, added, strict=True))  # type: ignore[assignment]
        return summarize(self.catalog, self.as_of, counts=counts)

    @cached_property
    def change_sides(self) -> list[tuple[Record | None, Record | None]] | None:
        """Each record the changes (``changes``) touched, as it was and as it is in this catalog
        (:meth:`Changes.sides`): worked out once for every rule that narrows its work by them."""
        return self.changes.sides(self.catalog) if self.changes is not None else None

    @cached_property
    def code_reach(self) -> set[str] | None:
        """The record files that the changes (``changes``) reach through codes (:class:`Reach`), every changed
        file among them; None when not every changed record is known as it was."""
        sides = self.change_sides
        if sides is None or self.changes is None:
            return None
        versions = [version for pair in sides for version in pair if version is not None]
        return self.reach.of(versions) | self.changes.rels

    @cached_property
    def reach(self) -> Reach:
        return Reach(self.catalog, self.lineage)

    @cached_property
    def subjects(self) -> SubjectIndex:
        return SubjectIndex(self.catalog)

    @property
    def project_states(self) -> list[ProjectState]:
        return self._today("project_states", lambda: project_states(self.catalog, self.as_of))

    @cached_property
    def project_of_record(self) -> dict[str, ProjectRecord]:
        """Record key → the project that made it (project ``result`` or record ``making.project``)."""
        by_id = {entry.project.id: entry for entry in self.catalog.projects}
        found: dict[str, ProjectRecord] = {}
        for entry in self.catalog.projects:
            code = self.catalog.resolve(entry.project.result) if entry.project.result else None
            if code:
                found[code.canonical] = entry
        for record in self.catalog.records:
            making = record.standard.making
            if making and making.project in by_id:
                found[record.key] = by_id[making.project]
        return found

    @property
    def review_states(self) -> dict[str, ReviewState]:
        """Every record's review state as of ``as_of`` (see :mod:`gbstd.review`), by file path."""
        return self._today("review_states", self._all_review_states)

    def _all_review_states(self) -> dict[str, ReviewState]:
        known, policy = self._review_of, self.catalog.config.review
        return {
            record.rel: known.get(record.rel) or review_state(record, policy, self._as_of, self._modules_of(record))
            for record in self.catalog.records
        }

    def review_state(self, record: Record) -> ReviewState:
        """One record's review state: asked once per record by six rules, and by a check of a few records (the
        web editor's) without making every record's."""
        self._reading_the_day()
        states = self._of_today.get("review_states")
        if states is not None:
            return states[record.rel]  # type: ignore[no-any-return]
        found = self._review_of.get(record.rel)
        if found is None:
            found = self._review_of[record.rel] = review_state(
                record, self.catalog.config.review, self._as_of, self._modules_of(record))
        return found

    def _modules_of(self, record: Record) -> tuple[str, ...]:
        return module_chain(record, self._ancestry)

    @cached_property
    def _ancestry(self) -> dict[str, tuple[str, ...]]:
        return module_ancestry(self.catalog.system)


class Rule(ABC):
    code: ClassVar[str]
    name: ClassVar[str]  # short kebab-case name, e.g. "code-year"
    summary: ClassVar[Text]
    severity: ClassVar[Severity] = Severity.ERROR
    needs_baseline: ClassVar[bool] = False  # compares with a git revision: runs only with --changed-since
    # Groups of FACT_GROUPS this rule reads of the catalog's records (for incremental lint); the system,
    # notes, projects and plans are always taken as read.
    reads: ClassVar[frozenset[str]] = CATALOG_FACTS
    # Whether the rule reports in record files (False: projects or plans only, so a re-run leaves every
    # record's findings as they were).
    on_records: ClassVar[bool] = True
    # Whether the rule reads of other records only what codes lead to (a record's own code, the codes it names
    # and that name it, their supersession chains: catalog.naming): an incremental run then re-checks with it
    # only the records its changes reach (RuleContext.code_reach).
    follows_codes: ClassVar[bool] = False

    def narrowed(self, ctx: RuleContext) -> frozenset[str] | None:
        """The record files to check again after an incremental run's changes (``ctx.changes``), when not every
        one: those whose findings the changes can alter (:meth:`affected`), noted in ``ctx.remade`` (the
        others' files keep the findings the lint state holds). None: every record."""
        changes = ctx.changes
        affected = self.affected(ctx, changes) if changes is not None and self.code in changes.held else None
        if affected is None:
            return None
        ctx.remade[self.code] = only = frozenset(affected)
        return only

    def records_to_check(self, ctx: RuleContext) -> list[Record]:
        """Every record, or those :meth:`narrowed` leaves."""
        only = self.narrowed(ctx)
        if only is None:
            return ctx.catalog.records
        return [record for record in ctx.catalog.records if record.rel in only]

    def affected(self, ctx: RuleContext, changes: Changes) -> set[str] | None:
        """The record files whose findings ``changes`` can alter: those they reach through codes for a rule
        that ``follows_codes``; None (any of them) for the others, unless they say otherwise."""
        return ctx.code_reach if self.follows_codes else None

    @abstractmethod
    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for the catalog in ``ctx``."""

    @classmethod
    def doc(cls, lang: str = "en") -> str:
        """The rule's documentation: the English docstring, or its Chinese text (``rules/docs_zh.py``)."""
        if lang == "zh":
            return docs_zh.render(cls.code, cls.summary.zh)
        return inspect.cleandoc(cls.__doc__ or "")

    def at(self, record: Record, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in ``record``'s file at document path ``loc``."""
        return Finding(self.code, message, record.rel, record.key, loc=loc, key=key)

    def at_project(self, entry: ProjectRecord, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in a project's file at document path ``loc``."""
        return Finding(self.code, message, entry.rel, entry.project.id, loc=loc, key=key)


def severity_of(catalog: Catalog, rule: Rule | type[Rule]) -> Severity:
    """The severity ``rule`` reports at in ``catalog``: its own, or the one the configuration sets (``[lint]``)."""
    level = catalog.config.lint.severity.get(rule.code)
    return Severity(level) if level is not None else rule.severity


class RecordRule(Rule):
    """A rule that looks at one record at a time (with the catalog for lookups).

    ``local`` rules read nothing of other records (only this record, the configuration, ``as_of`` and the
    system, notes, projects and plans): incremental lint re-checks just the changed records with them.
    """

    local: ClassVar[bool] = False

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for record in self.records_to_check(ctx):
            yield from self.check_record(record, ctx)

    @abstractmethod
    def check_record(self, record: Record, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for one record."""


class LoadRule(Rule):
    """Reports the problems the loader found for this rule's code (file problems, schema errors)."""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return (f for f in ctx.catalog.load_findings if f.rule == self.code)

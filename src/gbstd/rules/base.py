"""What a rule is: a code, a default severity, bilingual docs in its docstring, and a ``check``.

Rules yield findings without code or severity decisions of their own: the engine stamps the rule's code and
the configured severity, applies select/ignore and inline suppressions. A rule's docstring is its
documentation (``gbstd rule CODE``): *What it does / Why it matters / Example / Use instead*.
"""

from __future__ import annotations

import datetime as dt
import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import ClassVar

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.catalog import Catalog, ProjectRecord, Record
from gbstd.catalog.lineage import Lineage
from gbstd.coverage import SubjectIndex, SystemSummary, summarize
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.pipeline import ProjectState, project_states
from gbstd.review import ReviewState, review_states
from gbstd.similarity import DuplicateGroups, find_groups


class RuleContext:
    """Everything a rule may look at. ``as_of`` is "today": rules never read the clock.

    Facts that several rules need (the supersession graph, …) are computed once, here, on first use.
    ``baseline`` is the catalog at the revision given to ``lint --changed-since`` (None otherwise); rules
    that compare then and now set ``needs_baseline`` and only run when it is there.
    """

    def __init__(self, catalog: Catalog, as_of: dt.date, baseline: Baseline | None = None) -> None:
        self.catalog = catalog
        self.as_of = as_of
        self.baseline = baseline

    @cached_property
    def lineage(self) -> Lineage:
        return Lineage(self.catalog)

    @cached_property
    def duplicates(self) -> DuplicateGroups:
        """Groups of likely duplicates (``gbstd dupes``), streamed once for all D rules."""
        return find_groups(self.catalog, self.catalog.config.duplicates, lineage=self.lineage)

    @cached_property
    def system_summary(self) -> SystemSummary:
        """Standards and projects per module of the standard system, on ``as_of``."""
        return summarize(self.catalog, self.as_of, list(self.review_states.values()))

    @cached_property
    def subjects(self) -> SubjectIndex:
        return SubjectIndex(self.catalog)

    @cached_property
    def project_states(self) -> list[ProjectState]:
        return project_states(self.catalog, self.as_of)

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

    @cached_property
    def review_states(self) -> dict[str, ReviewState]:
        """Every record's review state as of ``as_of`` (see :mod:`gbstd.review`), by file path."""
        states = review_states(self.catalog, self.catalog.config.review, self.as_of)
        return {state.record.rel: state for state in states}

    def review_state(self, record: Record) -> ReviewState:
        return self.review_states[record.rel]


class Rule(ABC):
    code: ClassVar[str]
    name: ClassVar[str]  # short kebab-case name, e.g. "code-year"
    summary: ClassVar[Text]
    severity: ClassVar[Severity] = Severity.ERROR
    needs_baseline: ClassVar[bool] = False  # compares with a git revision: runs only with --changed-since

    @abstractmethod
    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for the catalog in ``ctx``."""

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def at(self, record: Record, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in ``record``'s file at document path ``loc``."""
        return Finding(self.code, message, record.rel, record.key, loc=loc, key=key)

    def at_project(self, entry: ProjectRecord, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in a project's file at document path ``loc``."""
        return Finding(self.code, message, entry.rel, entry.project.id, loc=loc, key=key)


class RecordRule(Rule):
    """A rule that looks at one record at a time (with the catalog for lookups)."""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for record in ctx.catalog.records:
            yield from self.check_record(record, ctx)

    @abstractmethod
    def check_record(self, record: Record, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for one record."""


class LoadRule(Rule):
    """Reports the problems the loader found for this rule's code (file problems, schema errors)."""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return (f for f in ctx.catalog.load_findings if f.rule == self.code)

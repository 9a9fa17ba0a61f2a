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

from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.lineage import Lineage
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.similarity import DuplicatePair, find_duplicates


class RuleContext:
    """Everything a rule may look at. ``as_of`` is "today": rules never read the clock.

    Facts that several rules need (the supersession graph, …) are computed once, here, on first use.
    """

    def __init__(self, catalog: Catalog, as_of: dt.date) -> None:
        self.catalog = catalog
        self.as_of = as_of

    @cached_property
    def lineage(self) -> Lineage:
        return Lineage(self.catalog)

    @cached_property
    def duplicates(self) -> list[DuplicatePair]:
        """Similar pairs of standards (``gbstd dupes``), computed once for all D rules."""
        return find_duplicates(self.catalog, self.catalog.config.duplicates, lineage=self.lineage)


class Rule(ABC):
    code: ClassVar[str]
    name: ClassVar[str]  # short kebab-case name, e.g. "code-year"
    summary: ClassVar[Text]
    severity: ClassVar[Severity] = Severity.ERROR

    @abstractmethod
    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Yield this rule's findings for the catalog in ``ctx``."""

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def at(self, record: Record, message: Text, loc: Loc = (), *, key: bool = True) -> Finding:
        """A finding in ``record``'s file at document path ``loc``."""
        return Finding(self.code, message, record.rel, record.key, loc=loc, key=key)


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

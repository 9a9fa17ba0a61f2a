"""Which record rules an edited record would newly fail: the guard behind ``import --update``.

An edit that makes a record fail a rule it passed (status 现行 with an abolition date that has passed: C007)
must not be written silently. The edited record is checked against the same catalog as the original, and
only findings of rules the original passed are returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from gbstd.catalog.catalog import Catalog, Record
from gbstd.findings import Finding, Severity
from gbstd.model.standard import Standard
from gbstd.rules import ALL_RULES
from gbstd.rules.base import RecordRule, RuleContext, severity_of
from gbstd.selection import Selection

NewFindings = Callable[[Record, Standard], list[Finding]]
EntryErrors = Callable[[Record], list[Finding]]

# The rules that judge what a record says — its code, its dates and status against each other, its module
# against the system, its reviews against its dates — not where the standard stands in time (a review due) or
# what other records say. A new record that fails one at error level is not written unasked (`gbstd new`,
# `import`, the web editor's new-record form), as `gbstd lint` would then fail on it.
ENTRY_RULES = frozenset({"C002", "C003", "C004", "C005", "C006", "C007", "C016", "R006"})


def _findings_of(rules: list[RecordRule], ctx: RuleContext, record: Record) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        try:
            for finding in rule.check_record(record, ctx):
                finding.rule = rule.code
                found.append(finding)
        except Exception:  # a crashing rule is lint's to report, not a reason to refuse
            continue
    return found


def entry_checker(catalog: Catalog, as_of: dt.date) -> EntryErrors:
    """A function (new record) → what :data:`ENTRY_RULES` the configuration runs (``[lint]``) at error level
    (as configured) find in it."""
    ctx = RuleContext(catalog, as_of)
    selected = Selection.configured(catalog.config)
    rules = [rule() for rule in ALL_RULES if issubclass(rule, RecordRule) and rule.code in ENTRY_RULES
             and selected.enabled(rule.code) and severity_of(catalog, rule) is Severity.ERROR]
    return lambda record: _findings_of(rules, ctx, record)


def new_findings_checker(catalog: Catalog, as_of: dt.date) -> NewFindings:
    """A function (original record, edited standard) → findings of rules the original passed."""
    ctx = RuleContext(catalog, as_of)
    rules = [rule() for rule in ALL_RULES if issubclass(rule, RecordRule)]

    def findings(record: Record) -> list[Finding]:
        return _findings_of(rules, ctx, record)

    def check(record: Record, edited: Standard) -> list[Finding]:
        passed_before = {f.rule for f in findings(record)}
        after = dataclasses.replace(record, standard=edited)
        return [f for f in findings(after) if f.rule not in passed_before]

    return check


__all__ = ["ENTRY_RULES", "EntryErrors", "NewFindings", "entry_checker", "new_findings_checker"]

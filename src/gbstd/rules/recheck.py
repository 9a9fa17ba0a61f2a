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
from gbstd.findings import Finding
from gbstd.model.standard import Standard
from gbstd.rules import ALL_RULES
from gbstd.rules.base import RecordRule, RuleContext

NewFindings = Callable[[Record, Standard], list[Finding]]


def new_findings_checker(catalog: Catalog, as_of: dt.date) -> NewFindings:
    """A function (original record, edited standard) → findings of rules the original passed."""
    ctx = RuleContext(catalog, as_of)
    rules = [rule() for rule in ALL_RULES if issubclass(rule, RecordRule)]

    def findings(record: Record) -> list[Finding]:
        found: list[Finding] = []
        for rule in rules:
            try:
                found.extend(rule.check_record(record, ctx))
            except Exception:  # a crashing rule is lint's to report, not a reason to refuse
                continue
        return found

    def check(record: Record, edited: Standard) -> list[Finding]:
        passed_before = {f.rule for f in findings(record)}
        after = dataclasses.replace(record, standard=edited)
        return [f for f in findings(after) if f.rule not in passed_before]

    return check


__all__ = ["NewFindings", "new_findings_checker"]

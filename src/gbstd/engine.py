"""Runs the selected rules over a loaded catalog and returns findings with positions and severities.

The engine, not the rules, decides a finding's code and severity (config overrides), which rules run
(select/ignore), which findings an inline ``suppress`` silences, and which files are reported on.
A rule that crashes is reported as an internal error; the other rules' findings still come back.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gbstd import rules as registry
from gbstd.catalog.baseline import Baseline
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.yamlio import Positions, file_locator
from gbstd.findings import Finding, FindingSet, Severity
from gbstd.rules import Rule, RuleContext
from gbstd.rules.base import RecordRule


@dataclass
class Selection:
    """Which rules run: ruff-style selectors (``ALL``, ``C``, ``C00``, ``C001``); the longest match wins."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)

    def enabled(self, code: str) -> bool:
        def best(selectors: list[str]) -> int:
            lengths = [0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)]
            return max(lengths, default=-1)

        chosen, dropped = best(self.select), best(self.ignore)
        return chosen >= 0 and chosen > dropped


def selected_rules(selection: Selection, rules: Iterable[type[Rule]] | None = None) -> list[Rule]:
    """Instances of the selected rules; the registry is read at call time (tests may extend it)."""
    chosen = registry.ALL_RULES if rules is None else rules
    return [rule() for rule in chosen if selection.enabled(rule.code)]


def run_rules(
    catalog: Catalog,
    as_of: dt.date,
    selection: Selection,
    *,
    only_paths: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    baseline: Baseline | None = None,
) -> FindingSet:
    """Run the selected rules; ``only_paths`` limits the report (not the analysis) to those files.

    ``baseline`` (the catalog at a git revision) enables the rules that compare then and now.
    """
    ctx = RuleContext(catalog, as_of, baseline)
    result = FindingSet()
    for rule in selected_rules(selection):
        if rule.needs_baseline and baseline is None:
            continue
        if progress:
            progress(rule.code)
        produced = check(rule, ctx, result.internal_errors)
        result.findings.extend(produced or ())
    return finish(catalog, result, only_paths)


def check(
    rule: Rule, ctx: RuleContext, errors: list[tuple[str, str]], records: Iterable[Record] | None = None
) -> list[Finding] | None:
    """One rule's findings, stamped with its code and configured severity; None (and an internal error
    noted in ``errors``) when it crashes. ``records`` runs a per-record rule on those records only."""
    try:
        if records is not None and isinstance(rule, RecordRule):
            produced = [f for record in records for f in rule.check_record(record, ctx)]
        else:
            produced = list(rule.check(ctx))
    except Exception:
        errors.append((rule.code, traceback.format_exc()))
        return None
    severity = severity_of(ctx.catalog, rule)
    for finding in produced:
        finding.rule = rule.code
        finding.severity = severity
    return produced


def severity_of(catalog: Catalog, rule: Rule) -> Severity:
    level = catalog.config.lint.severity.get(rule.code)
    return Severity(level) if level is not None else rule.severity


def finish(catalog: Catalog, result: FindingSet, only_paths: set[str] | None) -> FindingSet:
    """Drop suppressed findings and those outside ``only_paths``, resolve positions, sort."""
    silenced = suppressions(catalog)
    result.findings = [
        f for f in result.findings
        if (f.path, f.rule) not in silenced and (only_paths is None or f.path in only_paths)
    ]
    resolve_positions(catalog.root, result.findings, catalog.config.catalog.max_file_size, catalog.positions)
    result.findings.sort(key=lambda f: f.sort_key)
    return result


def suppressions(catalog: Catalog) -> set[tuple[str, str]]:
    """(file, rule) pairs silenced by an inline ``suppress`` entry of a record or a project."""
    return {
        (record.rel, item.rule) for record in catalog.records for item in record.standard.suppress
    } | {(entry.rel, item.rule) for entry in catalog.projects for item in entry.project.suppress}


def resolve_positions(
    root: Path, findings: list[Finding], max_size: int, positions: dict[str, Positions] | None = None
) -> None:
    """Give each unresolved finding its line and column: from the ``positions`` kept from the parse where
    they answer, else parsing each affected file once."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.line == 0:
            by_path[finding.path].append(finding)
    for rel, pending in by_path.items():
        locator = file_locator(root, rel, max_size, (positions or {}).get(rel))
        for finding in pending:
            finding.line, finding.column = locator.position(finding.loc, finding.key)


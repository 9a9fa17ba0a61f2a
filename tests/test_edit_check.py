"""The web editor's check of an edit runs only the rules and records an edit can bring an error to, and refuses
exactly what running every rule over the whole catalog refuses.

At 100 000 records the whole run took 30-60 s per save; the check now runs the per-record rules on the edited
and linked records only, and of the catalog-wide rules those that read a group of facts the edit changes (as
incremental lint does). Here random edits — one record given another record's values for one group of fields,
sometimes a second record too — are judged both ways, on the sample catalog and every rule fixture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.roundtrip import LineEnds
from gbstd.engine import collect_findings, finish, selected_rules
from gbstd.findings import Finding, Severity
from gbstd.rules import Rule, RuleContext
from gbstd.rules.base import FACT_GROUPS, RecordRule, changed_facts
from gbstd.selection import Selection
from gbstd.serve import records
from tests.rule_cases import Case, every_case

Errors = dict[str, list[str]] | None  # what the check refused, by field (None: accepted)


def loaded(record: Record) -> records.Loaded:
    raw = record.path.read_bytes()
    return records.Loaded(record, raw, *LineEnds.kept(raw.decode("utf-8")))


def whole_catalog_errors(catalog: Catalog, paths: set[str], rules: list[Rule]) -> dict[tuple[str, str, str], Finding]:
    """The check's errors as it found them before: every configured rule but D and G over every record."""
    del rules  # the reference chooses none
    everything = [rule for rule in selected_rules(Selection.configured(catalog.config))
                  if not rule.code.startswith(("D", "G"))]
    result = finish(catalog, collect_findings(catalog, dt.date.today(), Selection(), rules=everything), paths)
    return {(f.path, f.rule, f.message.en): f for f in result.findings if f.severity is Severity.ERROR}


def judged(catalog: Catalog, edits: list[tuple[records.Loaded, dict[str, Any]]]) -> Errors:
    try:
        records.check(catalog, *edits)
    except records.Invalid as refused:
        return {field: sorted(str(message) for message in messages) for field, messages in refused.errors.items()}
    return None


def both_ways(catalog: Catalog, edits: list[tuple[records.Loaded, dict[str, Any]]]) -> tuple[Errors, Errors]:
    fast = judged(catalog, edits)
    with mock.patch.object(records, "_errors", whole_catalog_errors):
        whole = judged(catalog, edits)
    return fast, whole


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return [case for case in every_case(tmp_path_factory.mktemp("edit-check"), dt.date.today()) if case.catalog.records]


@pytest.fixture(scope="module")
def pool(cases: list[Case]) -> dict[str, list[dict[str, Any]]]:
    """Per group of fields, distinct values as record files write them (absent fields as None)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for group, names in FACT_GROUPS.items():
        seen: dict[str, dict[str, Any]] = {}
        for case in cases:
            for record in case.catalog.records:
                data = loaded(record).data()
                values = {name: data.get(name) for name in names}
                seen.setdefault(repr(values), values)
        everything = list(seen.values())
        found[group] = everything[:4] + everything[4::max(1, len(everything) // 8)][:8]
    return found


def given_values(record: Record, values: dict[str, Any]) -> tuple[records.Loaded, dict[str, Any]]:
    before = loaded(record)
    data = {**before.data(), **values}
    return before, {key: value for key, value in data.items() if value is not None}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edit_is_refused_exactly_when_the_whole_catalog_run_refuses_it(
    cases: list[Case], pool: dict[str, list[dict[str, Any]]], data: st.DataObject
) -> None:
    case = data.draw(st.sampled_from(cases), label="catalog")
    count = len(case.catalog.records)
    chosen = data.draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=min(2, count), unique=True),
                       label="records")
    edits = []
    for index in chosen:
        group = data.draw(st.sampled_from(sorted(FACT_GROUPS)), label="group")
        edits.append(given_values(case.catalog.records[index], data.draw(st.sampled_from(pool[group]), label="values")))
    fast, whole = both_ways(case.catalog, edits)
    assert fast == whole, case.name


def test_every_fixture_record_given_each_group_of_another_is_judged_alike(
    cases: list[Case], pool: dict[str, list[dict[str, Any]]]
) -> None:
    """Exhaustive on the rule fixtures (small catalogs, each made to show a rule's finding): every record, every
    group, two values; and not vacuous — some of these edits are refused by a rule."""
    refused_by_a_rule = 0
    for case in cases[1:]:
        for record in case.catalog.records:
            for group in sorted(FACT_GROUPS):
                for values in pool[group][:2]:
                    fast, whole = both_ways(case.catalog, [given_values(record, values)])
                    assert fast == whole, (case.name, record.rel, group, values)
                    messages = [m for found in (fast or {}).values() for m in found]
                    refused_by_a_rule += any(m[:1] in "CRSP" and m[1:4].isdigit() for m in messages)
    assert refused_by_a_rule >= 10


def test_the_check_follows_the_catalog_s_lint_configuration(cases: list[Case]) -> None:
    """A rule the catalog ignores, or holds at warning level, does not refuse a save (it did: the check ran
    every rule at its default severity)."""
    sample = cases[0].catalog
    record = next(r for r in sample.records if r.standard.published and r.standard.effective)
    day_before = (record.standard.published - dt.timedelta(days=1)).isoformat()
    edit = given_values(record, {"effective": day_before})
    assert "C006" in str(judged(sample, [edit]))
    for lint in ({"ignore": ["C006"]}, {"severity": {"C006": "warning"}}):
        config = sample.config.model_copy(update={"lint": sample.config.lint.model_copy(update=lint)})
        assert judged(replace(sample, config=config), [edit]) is None, lint


def test_changed_facts_names_the_groups_an_edit_changes(cases: list[Case]) -> None:
    record = cases[0].catalog.records[0]
    standard = record.standard
    assert changed_facts(standard, standard) == frozenset()
    assert changed_facts(standard, standard.model_copy(update={"title": standard.title + "（修订）"})) == {"title"}
    assert changed_facts(standard, standard.model_copy(update={"note": "备注"})) == {"other"}
    assert changed_facts(standard, standard.model_copy(update={"suppress": []})) in (frozenset(), frozenset(FACT_GROUPS))


def test_a_per_record_rule_reports_only_in_the_file_of_the_record_it_checks(cases: list[Case]) -> None:
    """What lets the check run per-record rules on a few records: none reports in another record's file, and
    what a rule's ``check`` finds is what its ``check_record`` finds record by record (a rule that guards its
    ``check`` must guard ``check_record`` too)."""
    rules = [rule for rule in selected_rules(Selection()) if isinstance(rule, RecordRule)]
    reported = 0
    for case in cases:
        ctx = RuleContext(case.catalog, case.as_of)
        for rule in rules:
            each = []
            for record in case.catalog.records:
                found = list(rule.check_record(record, ctx))
                assert {finding.path for finding in found} <= {record.rel}, (case.name, rule.code, record.rel)
                reported += bool(found)
                each += found
            assert [f.message for f in rule.check(ctx)] == [f.message for f in each], (case.name, rule.code)
    assert reported >= 50

"""Each catalog-wide rule reads no group of record fields it does not declare in ``reads``.

Incremental lint re-runs a catalog-wide rule only when a group it declares changed in some record, so a rule
that reads an undeclared group would keep stale findings after an edit. Here one record gets another record's
values for one undeclared group (realistic values: codes, titles, dates that exist in the catalog) and the
rule must find exactly what it found before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gbstd.catalog.cache import finding_to_json
from gbstd.catalog.catalog import Catalog, Record
from gbstd.engine import check
from gbstd.incremental import scope
from gbstd.model.code import StandardCode
from gbstd.rules import ALL_RULES, Rule, RuleContext
from gbstd.rules.base import CATALOG_FACTS, DUPLICATE_FACTS, FACT_GROUPS
from tests.rule_cases import Case, every_case

AS_OF = dt.date(2025, 6, 30)
CATALOG_RULES = [rule for rule in (cls() for cls in ALL_RULES) if scope(rule) == "catalog" and not rule.needs_baseline]
Donor = tuple[dict[str, Any], StandardCode | None]  # a group's field values and, for "code", the parsed code


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    return every_case(tmp_path_factory.mktemp("reads"), AS_OF)


@pytest.fixture(scope="module")
def pool(cases: list[Case]) -> dict[str, list[Donor]]:
    """Per group, distinct values found in the sample and the fixtures (a few of each): what an edit brings."""
    found: dict[str, list[Donor]] = {}
    for group, names in FACT_GROUPS.items():
        seen: dict[str, Donor] = {}
        for case in cases:
            for record in case.catalog.records:
                values = {name: getattr(record.standard, name) for name in names}
                seen.setdefault(repr(values), (values, record.code))
        everything = list(seen.values())
        found[group] = everything[:4] + everything[4::max(1, len(everything) // 6)][:6]
    return found


def with_group(catalog: Catalog, index: int, donor: Donor, group: str) -> Catalog:
    """``catalog`` with record ``index`` given ``donor``'s fields of ``group`` (a new Catalog)."""
    records = list(catalog.records)
    target = records[index]
    values, code = donor
    standard = target.standard.model_copy(update=values)
    records[index] = Record(target.root, target.rel, standard, code if group == "code" else target.code, target.member)
    return replace(catalog, records=records)


def findings(rule: Rule, case: Case, catalog: Catalog | None = None) -> list[str]:
    errors: list[tuple[str, str]] = []
    produced = check(rule, RuleContext(catalog or case.catalog, case.as_of), errors)
    assert produced is not None and not errors, errors
    return sorted(repr(finding_to_json(f)) for f in produced)


def test_every_catalog_rule_declares_some_group() -> None:
    """An empty ``reads`` would let a rule keep its findings when records are added or removed."""
    for rule in CATALOG_RULES:
        assert rule.reads, rule.code
        assert rule.reads <= set(FACT_GROUPS), rule.code


def test_title_is_read_only_by_the_rules_that_need_it() -> None:
    """A title edit re-runs just these (duplicate titles, subjects of linkage and projects, duplicates)."""
    readers = {rule.code for rule in CATALOG_RULES if "title" in rule.reads}
    assert readers == {"C009", "S003", "S007", "D001", "D002", "D003"}
    assert DUPLICATE_FACTS <= CATALOG_FACTS


UNDECLARED = [
    (rule, group) for rule in CATALOG_RULES for group in sorted(FACT_GROUPS) if group not in rule.reads
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_rule_ignores_the_groups_it_does_not_declare(
    cases: list[Case], pool: dict[str, list[Donor]], data: st.DataObject
) -> None:
    """Any rule, any catalog (the sample or any rule's fixture), any record, any value of an undeclared group."""
    rule, group = data.draw(st.sampled_from(UNDECLARED), label="rule, group")
    case = data.draw(st.sampled_from([c for c in cases if c.catalog.records]), label="catalog")
    index = data.draw(st.integers(0, len(case.catalog.records) - 1), label="record")
    donor = data.draw(st.sampled_from(pool[group]), label="value")
    changed = with_group(case.catalog, index, donor, group)
    assert findings(rule, case, changed) == findings(rule, case), (rule.code, group, case.name)


@pytest.mark.parametrize("rule", CATALOG_RULES, ids=lambda rule: rule.code)
def test_each_rule_on_its_fixtures_against_every_undeclared_group(
    cases: list[Case], pool: dict[str, list[Donor]], rule: Rule
) -> None:
    """Exhaustive on the rule's own fixtures (where it finds something): every record, every pooled value of
    every undeclared group, so that no rule/group pair depends on luck. A rule whose fixtures hold no record
    (projects and plans only) is checked on the sample catalog; the D rules with fewer values (a detection
    run costs more)."""
    own = [case for case in cases if case.rule == rule.code and case.catalog.records]
    limit = 4 if rule.code.startswith("D") else None
    for case in own or [cases[0]]:
        before = findings(rule, case)
        for group in sorted(set(FACT_GROUPS) - rule.reads):
            for donor in pool[group][:limit]:
                for index in range(len(case.catalog.records)):
                    changed = with_group(case.catalog, index, donor, group)
                    assert findings(rule, case, changed) == before, (rule.code, group, case.name, index, donor[0])

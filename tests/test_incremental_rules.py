"""Catalog-wide rules that, after an edit, re-check only the records it can affect (``RecordRule.affected``):
what they find equals a cold run, and they really check fewer records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gbstd.rules.s003_linkage_undeclared import LinkageUndeclared
from tests.issue21_support import copy_sample
from tests.test_incremental import SAMPLE, dump, lint_json, load, records

UPPER = "records/national/GB-T-42967-2023.yaml"  # named by two local standards' S003 findings in the sample


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The records S003 checked in this process (the sample is below the fork threshold: every rule runs here)."""
    seen: list[str] = []
    real = LinkageUndeclared._check

    def spy(self: LinkageUndeclared, record: Any, ctx: Any, pieces: Any) -> Any:
        seen.append(record.rel)
        return real(self, record, ctx, pieces)

    monkeypatch.setattr(LinkageUndeclared, "_check", spy)
    return seen


def s003(lines: list[str]) -> list[str]:
    return [line for line in lines if '"S003"' in line]


def edit(path: Path, **fields: Any) -> None:
    data = load(path)
    data.update(fields)
    dump(path, data)


def relint(root: Path, checked: list[str]) -> tuple[list[str], set[str]]:
    """Lint again (incrementally), with the records S003 checked; the findings must equal a cold run's."""
    checked.clear()
    incremental = lint_json(root)
    rechecked = set(checked)
    assert incremental == lint_json(root, "--no-cache")
    return incremental, rechecked


def test_a_retitled_upper_standard_rechecks_the_records_it_covers(tmp_path: Path, checked: list[str]) -> None:
    root = copy_sample(tmp_path)
    cold = lint_json(root)
    assert len(checked) == len(records(root))  # a cold run checks every record
    assert sum("机关食堂反食品浪费工作指南" in line for line in s003(cold)) == 2
    edit(root / UPPER, title="机关食堂反食品浪费工作指南（修订版）")
    incremental, rechecked = relint(root, checked)
    assert sum("修订版" in line for line in s003(incremental)) == 2  # the two findings show the new title
    assert UPPER in rechecked
    assert {"records/local/DB41-T-2397-2023.yaml", "records/local/DB4109-T-059-2024.yaml"} <= rechecked
    assert len(rechecked) < len(records(root)) // 2


def test_a_title_that_leaves_a_subject_rechecks_the_records_it_covered(tmp_path: Path, checked: list[str]) -> None:
    """The upper standard's old title is what covered the two records: its earlier version decides too."""
    root = copy_sample(tmp_path)
    lint_json(root)
    edit(root / UPPER, title="机关办公用房维修工作指南")
    incremental, rechecked = relint(root, checked)
    assert not s003(incremental)  # nothing upper covers the canteen subject any more
    assert {"records/local/DB41-T-2397-2023.yaml", "records/local/DB4109-T-059-2024.yaml"} <= rechecked
    assert len(rechecked) < len(records(root)) // 2


def test_an_edited_declaration_rechecks_every_record(tmp_path: Path, checked: list[str]) -> None:
    """Declarations are followed through other records (linked_keys): a changed one is not traced back."""
    root = copy_sample(tmp_path)
    lint_json(root)
    edit(root / "records/local/DB41-T-2397-2023.yaml", refines=["GB/T 42967-2023"])
    incremental, rechecked = relint(root, checked)
    assert len(rechecked) == len(records(root))  # every record checked again
    assert not any("DB41-T-2397-2023" in line for line in s003(incremental))


def test_rules_said_to_report_off_records_report_no_record_file() -> None:
    """A re-run rule with ``on_records = False`` leaves every record's findings as they were: it must never
    report in a record file (the sample has projects and plans for each such rule to look at)."""
    import datetime as dt

    from gbstd.catalog.loader import load_catalog
    from gbstd.rules import ALL_RULES, RuleContext

    catalog = load_catalog(SAMPLE)
    ctx = RuleContext(catalog, dt.date(2025, 6, 30))
    records_ = {record.rel for record in catalog.records}
    off = [rule for rule in ALL_RULES if not rule.on_records]
    assert {rule.code for rule in off} >= {"S005", "S007", "S008", "P001"}
    found = [f for rule in off for f in rule().check(ctx)]
    assert found and not any(f.path in records_ for f in found)


def test_an_edit_after_an_incremental_run_is_compared_with_what_that_run_read(
    tmp_path: Path, checked: list[str]
) -> None:
    """A run that re-checks only an edited file (a comment) keeps its parsed data, so the next edit of that file
    still knows the record as it was and re-checks only what it affects."""
    root = copy_sample(tmp_path)
    lint_json(root)
    with (root / UPPER).open("a", encoding="utf-8") as handle:
        handle.write("# 修订说明待补充\n")
    lint_json(root)
    edit(root / UPPER, title="机关食堂反食品浪费工作指南（第二版）")
    _, rechecked = relint(root, checked)
    assert UPPER in rechecked and len(rechecked) < len(records(root)) // 2


def test_suppressions_hold_when_the_last_result_is_gone(tmp_path: Path) -> None:
    """An incremental run with no stored result to patch makes the report from every file's kept findings:
    the inline suppressions of files it did not otherwise read still apply."""
    from gbstd.incremental import state_shard

    root = copy_sample(tmp_path)
    silenced = "records/local/DB41-T-2397-2023.yaml"
    edit(root / silenced, suppress=[{"rule": "S003", "reason": "衔接已在编制说明中交代"}])
    cold = lint_json(root)
    assert not any(silenced in line for line in s003(cold))
    cache = root / ".gbstd-cache"
    for name in ("result.jsonl", "result-key.json"):
        (cache / name).unlink()
    other = next(p for p in records(root) if state_shard(p.relative_to(root).as_posix()) != state_shard(silenced))
    with other.open("a", encoding="utf-8") as handle:
        handle.write("# 备注\n")
    incremental = lint_json(root)
    assert incremental == lint_json(root, "--no-cache")
    assert not any(silenced in line for line in s003(incremental))


@pytest.fixture
def c010_checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The records C010 (a rule that follows codes) checked in this process."""
    from gbstd.rules.c010_supersession_target import SupersessionTarget

    seen: list[str] = []
    real = SupersessionTarget.check_record

    def spy(self: SupersessionTarget, record: Any, ctx: Any) -> Any:
        seen.append(record.rel)
        return real(self, record, ctx)

    monkeypatch.setattr(SupersessionTarget, "check_record", spy)
    return seen


def test_an_added_record_that_nothing_names_is_the_only_one_rechecked(tmp_path: Path, c010_checked: list[str]) -> None:
    """A new record with a code of its own: the rules that follow codes check it alone (a full re-run checked
    all 46), and every finding is a cold run's."""
    root = copy_sample(tmp_path)
    lint_json(root)
    data = load(root / UPPER)
    data["code"] = "GB/T 90001-2025"
    dump(root / "records/national/GB-T-90001-2025.yaml", data)
    _, rechecked = relint(root, c010_checked)
    assert rechecked == {"records/national/GB-T-90001-2025.yaml"}


def test_a_removed_supersession_target_rechecks_the_records_on_its_chain(tmp_path: Path, c010_checked: list[str]) -> None:
    """The 2023 edition goes: the 2012 edition's replaced_by now points nowhere (C010), and it is re-checked;
    records off that chain are not."""
    root = copy_sample(tmp_path)
    lint_json(root)
    (root / "records/national/GB-T-29118-2023.yaml").unlink()
    incremental, rechecked = relint(root, c010_checked)
    assert "records/national/GB-T-29118-2012.yaml" in rechecked
    assert len(rechecked) < len(records(root)) // 2
    assert any('"C010"' in line and "GB-T-29118-2012" in line for line in incremental)


def test_a_moved_record_file_equals_a_cold_run(tmp_path: Path, c010_checked: list[str]) -> None:
    """Renamed (``git mv``): gone at one path, added at another; the findings follow the file."""
    root = copy_sample(tmp_path)
    lint_json(root)
    (root / UPPER).rename(root / "records/local/moved.yaml")
    incremental, rechecked = relint(root, c010_checked)
    assert {"records/local/moved.yaml"} <= rechecked < set(map(str, (p.relative_to(root).as_posix() for p in records(root))))
    assert any("records/local/moved.yaml" in line for line in incremental)


def test_the_module_rules_count_only_the_changes_after_a_record_is_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record added in the empty module 401 closes its gap (S001): the module rules take the counts the lint
    state keeps and count the added record alone, not every record's review state again; then the record goes
    and the gap is back. Each run equals a cold one."""
    import gbstd.coverage as coverage

    walked: list[bool] = []
    real = coverage.summarize

    def spy(catalog: Any, as_of: Any, reviews: Any = None, counts: Any = None) -> Any:
        walked.append(counts is None)
        return real(catalog, as_of, reviews, counts)

    monkeypatch.setattr(coverage, "summarize", spy)
    import gbstd.rules.base as base

    monkeypatch.setattr(base, "summarize", spy)
    root = copy_sample(tmp_path)
    gap = [line for line in lint_json(root) if '"S001"' in line and "401" in line]
    assert gap
    data = load(root / UPPER)
    data["code"], data["module"] = "GB/T 90002-2025", "401"
    added = root / "records/national/GB-T-90002-2025.yaml"
    dump(added, data)
    walked.clear()
    incremental = lint_json(root)
    assert walked == [False]  # counted from the kept counts
    assert not [line for line in incremental if '"S001"' in line and "401" in line]
    assert incremental == lint_json(root, "--no-cache")
    added.unlink()
    walked.clear()
    assert [line for line in lint_json(root) if '"S001"' in line and "401" in line] == gap
    assert walked == [False]


def test_a_removed_upper_standard_that_others_declare_rechecks_those_records_only(
    tmp_path: Path, checked: list[str]
) -> None:
    """GB/T 42967-2023 goes: the local standards that declare it (their linked standards change) and those it
    covered are checked again by S003, not every record; the findings are a cold run's."""
    root = copy_sample(tmp_path)
    lint_json(root)
    (root / UPPER).unlink()
    _, rechecked = relint(root, checked)
    declaring = {p.relative_to(root).as_posix() for p in records(root) if "GB/T 42967" in p.read_text(encoding="utf-8")}
    assert declaring and declaring <= rechecked
    assert len(rechecked) < len(records(root)) // 2


def test_a_removed_record_on_a_declaration_chain_rechecks_the_records_that_followed_it(
    tmp_path: Path, checked: list[str]
) -> None:
    """濮阳's DB4109/T 059-2024 references DB41/T 2397-2023, which (here) refines GB/T 42967-2023 from another
    module: 濮阳's link to the national standard runs through the provincial one. When the provincial one goes,
    濮阳 is re-checked and gets the S003 finding a cold run gives, though nothing covers it by subject."""
    root = copy_sample(tmp_path)
    provincial = root / "records/local/DB41-T-2397-2023.yaml"
    edit(provincial, module="101", refines=["GB/T 42967-2023"])
    puyang = "records/local/DB4109-T-059-2024.yaml"
    assert not [line for line in s003(lint_json(root)) if puyang in line]
    provincial.unlink()
    incremental, rechecked = relint(root, checked)
    assert puyang in rechecked
    assert [line for line in s003(incremental) if puyang in line and "GB/T 42967-2023" in line]
    assert len(rechecked) < len(records(root))

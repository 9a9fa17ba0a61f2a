"""Rules R001–R007 beyond their fixtures (tests/fixtures/rules/R00*.yaml): severities, messages, policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from gbstd.catalog.loader import load_catalog
from gbstd.engine import Selection, run_rules
from gbstd.findings import Finding, Severity
from tests.review_support import review, review_catalog

AS_OF = dt.date(2026, 11, 23)
IN_FORCE_2020 = {"code": "DB41/T 1-2020", "effective": "2020-03-01"}


def findings(tmp_path: Path, code: str, records: list[dict[str, Any]], review_toml: str = "",
             as_of: dt.date = AS_OF) -> list[Finding]:
    catalog = load_catalog(review_catalog(tmp_path, records, review_toml))
    assert not catalog.load_findings, [f.message.en for f in catalog.load_findings]
    result = run_rules(catalog, as_of, Selection(select=code.split(",")))
    assert not result.internal_errors, result.internal_errors
    return result.findings


def test_overdue_is_warning_then_error_past_the_limit(tmp_path: Path) -> None:
    record = [{"code": "DB41/T 1-2021", "effective": "2021-06-01"}]
    both = Selection(select=["R001", "R002"])
    catalog = load_catalog(review_catalog(tmp_path, record))
    warn = run_rules(catalog, dt.date(2026, 5, 31), both).findings
    error = run_rules(catalog, dt.date(2026, 6, 2), both).findings
    assert [(f.rule, f.severity) for f in warn] == [("R001", Severity.WARNING)]
    assert [(f.rule, f.severity) for f in error] == [("R002", Severity.ERROR)]
    assert "review overdue by 731 days, 1 day past the 5-year limit" in error[0].message.en


def test_overdue_points_at_the_last_review(tmp_path: Path) -> None:
    record = [{"code": "DB41/T 1-2020", "effective": "2020-03-01", "reviews": [review("2022-01-10")]}]
    (finding,) = findings(tmp_path, "R001", record)
    assert "2025-01-10" in finding.message.en and "the last review" in finding.message.en


def test_tier_override_changes_the_verdict(tmp_path: Path) -> None:
    record = [{"code": "GB/T 1-2022", "effective": "2022-01-01"}]
    clock = "R001,R002,R003"
    assert [f.rule for f in findings(tmp_path / "a", clock, record)] == ["R001"]
    five = "[review.tiers]\nnational = 5"
    assert [f.rule for f in findings(tmp_path / "b", clock, record, five)] == ["R003"]


def test_revise_within_grace_is_fine(tmp_path: Path) -> None:
    record = [{**IN_FORCE_2020, "reviews": [review("2025-05-10", "修订")]}]
    assert findings(tmp_path / "a", "R005", record) == []
    assert [f.rule for f in findings(tmp_path / "b", "R005", record, "revise_grace_months = 6")] == ["R005"]


def test_revise_hint_names_a_newer_edition(tmp_path: Path) -> None:
    records = [{**IN_FORCE_2020, "reviews": [review("2023-05-10", "修订")]},
               {"code": "DB41/T 1-2025", "effective": "2025-09-01"}]
    (finding,) = findings(tmp_path, "R005", records)
    assert "DB41/T 1-2025" in finding.message.en


def test_successor_declared_from_the_new_side_counts(tmp_path: Path) -> None:
    records = [{**IN_FORCE_2020, "reviews": [review("2023-05-10", "修订")]},
               {"code": "DB41/T 1-2025", "effective": "2027-01-01", "status": "即将实施",
                "replaces": ["DB41/T 1-2020"]}]
    assert findings(tmp_path, "R005", records) == []


def test_future_review_is_reported(tmp_path: Path) -> None:
    record = [{"code": "DB41/T 1-2023", "effective": "2023-12-17", "reviews": [review("2026-11-24")]}]
    (finding,) = findings(tmp_path, "R006", record)
    assert "has not happened" in finding.message.en


def test_abolished_standards_are_left_alone(tmp_path: Path) -> None:
    record = [{"code": "DB41/T 1-2015", "status": "废止", "effective": "2015-01-01",
               "abolished": "2021-01-01"}]
    assert findings(tmp_path, "R", record) == []

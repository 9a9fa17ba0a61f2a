"""The review clock's calendar arithmetic (``gbstd.review``) is done by hand for speed: it must give exactly
what dateutil's relativedelta gives, Feb 29 and month ends included, in both directions."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.review import add_months, add_years, whole_years
from tests.conftest import write_catalog

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "standards"

# Month ends and Feb 29 are where the clamping rules show; the rest of the range keeps the test honest.
days = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.sampled_from([dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2024, 1, 31), dt.date(2023, 12, 31),
                     dt.date(2000, 2, 29), dt.date(2100, 2, 28), dt.date(2024, 3, 31), dt.date(2024, 4, 30)]),
)


@settings(max_examples=3000, deadline=None)
@given(days, st.integers(min_value=-60, max_value=60))
def test_add_years_is_relativedeltas(day: dt.date, years: int) -> None:
    assert add_years(day, years) == day + relativedelta(years=years)


@settings(max_examples=3000, deadline=None)
@given(days, st.integers(min_value=-400, max_value=400))
def test_add_months_is_relativedeltas(day: dt.date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


@settings(max_examples=5000, deadline=None)
@given(days, days)
def test_whole_years_is_relativedeltas(since: dt.date, until: dt.date) -> None:
    assert whole_years(since, until) == relativedelta(until, since).years


def test_whole_years_at_the_edges() -> None:
    leap = dt.date(2024, 2, 29)
    assert whole_years(leap, dt.date(2025, 2, 28)) == relativedelta(dt.date(2025, 2, 28), leap).years == 1
    assert whole_years(leap, dt.date(2028, 2, 28)) == relativedelta(dt.date(2028, 2, 28), leap).years == 3
    assert whole_years(dt.date(2025, 2, 28), leap) == relativedelta(leap, dt.date(2025, 2, 28)).years
    assert whole_years(dt.date(2020, 1, 31), dt.date(2020, 1, 31)) == 0
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_years(leap, 1) == dt.date(2025, 2, 28)


def test_arithmetic_past_the_calendars_ends_stops_at_them() -> None:
    """A review dated 9999-12-31 (or an effective date near it) is due after the calendar ends: the last day,
    not an OverflowError in every review rule and a traceback in `gbstd review --as-of 9999-12-31`."""
    assert add_years(dt.date(9999, 12, 31), 3) == dt.date.max
    assert add_months(dt.date(9998, 6, 30), 24) == dt.date.max
    assert add_months(dt.date(1, 3, 1), -12) == dt.date.min
    assert add_months(dt.date(9999, 12, 31), -6) == dt.date(9999, 6, 30)
    assert whole_years(dt.date(1, 1, 1), dt.date.max) == 9998


def test_dates_at_the_calendars_end_are_findings_not_crashes(tmp_path: Path) -> None:
    catalog = tmp_path / "standards"
    shutil.copytree(SAMPLE, catalog, ignore=shutil.ignore_patterns(".gbstd-cache"))
    record = catalog / "records" / "internal" / "HNJGSW-101-2022.yaml"
    record.write_text(record.read_text(encoding="utf-8")
                      + "reviews:\n  - date: 9999-12-31\n    conclusion: 继续有效\n    by: 测试\n", encoding="utf-8")
    lint = runner.invoke(app, ["lint", str(catalog), "--as-of", "9999-12-31", "--format", "json", "--lang", "en"])
    assert lint.exit_code == 1, lint.output
    assert "internal error" not in lint.output
    review = runner.invoke(app, ["review", str(catalog), "--as-of", "9999-12-31", "--format", "json", "--lang", "en"])
    assert review.exit_code in (0, 1), review.output
    assert "HNJGSW 101-2022" in review.stdout


def test_due_soon_agrees_with_due_within_at_month_ends(tmp_path: Path) -> None:
    # Effective 2021-08-31, due 2024-08-31; on 2024-02-29 six months ahead is 2024-08-29. R003 and the worklist's
    # summary counted back from the due date (2024-02-29: "due soon") while `--due-within 6m` left it out.
    catalog = write_catalog(tmp_path / "c", {
        "records/DB41-T-3-2021.yaml": "code: DB41/T 3-2021\ntitle: 公务用车服务规范\nstatus: 现行\neffective: 2021-08-31\n",
    }, config="")
    day = ["--as-of", "2024-02-29", "--format", "json"]
    lint = runner.invoke(app, ["lint", str(catalog), *day, "--select", "R003", "--no-cache"])
    listed = runner.invoke(app, ["review", str(catalog), *day, "--due-within", "6m"])
    import json

    assert json.loads(lint.stdout) == []
    assert json.loads(listed.stdout)["items"] == []
    later = ["--as-of", "2024-03-01", "--format", "json"]
    assert [f["rule"] for f in json.loads(runner.invoke(app, ["lint", str(catalog), *later, "--select", "R003",
                                                              "--no-cache"]).stdout)] == ["R003"]
    items = json.loads(runner.invoke(app, ["review", str(catalog), *later, "--due-within", "6m"]).stdout)["items"]
    assert [item["code"] for item in items] == ["DB41/T 3-2021"]

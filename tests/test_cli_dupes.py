"""`gbstd dupes` through the CLI: formats, thresholds, --against, exit codes; and the D rules in lint."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "standards"


def test_sample_catalog_json() -> None:
    result = runner.invoke(app, ["dupes", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)
    assert pairs and all({"a", "b", "score", "kind", "reason"} <= set(p) for p in pairs)
    found = {(p["a"], p["b"]): p for p in pairs}
    assert found[("GB/T 42967-2023", "DB41/T 2397-2023")]["kind"] == "adopt-upper"
    assert found[("DB1411/T 62-2023", "DB3310/T 80-2021")]["kind"] == "sibling"
    assert {p["kind"] for p in pairs} <= {"same-code", "merge", "adopt-upper", "sibling"}
    # 公务用车配备/处置/标识 are different aspects: never paired with the car-service standards
    assert not [p for p in pairs if {p["a"], p["b"]} == {"DB6103/T 20-2020", "DB3310/T 80-2021"}]


def test_supersession_only_on_request() -> None:
    plain = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json"]).stdout)
    full = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--supersession"]).stdout)
    extra = [p for p in full if p["kind"] == "supersession"]
    assert ("GB/T 29118-2012", "GB/T 29118-2023") in {(p["a"], p["b"]) for p in extra}
    assert len(full) == len(plain) + len(extra)


def test_min_score_as_fraction_or_percentage() -> None:
    fraction = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--min-score", "0.95"]).stdout)
    percent = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--min-score", "95"]).stdout)
    assert fraction == percent and fraction and all(p["score"] >= 0.95 for p in fraction)


def test_csv_markdown_and_table() -> None:
    out = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "csv", "--lang", "en"]).stdout
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows and rows[0]["cluster"] == "1" and float(rows[0]["score"]) <= 1
    markdown = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "markdown", "--lang", "en"]).stdout
    assert markdown.startswith("# Likely duplicate standards") and "| DB41/T 2397-2023 |" in markdown
    table = runner.invoke(app, ["dupes", str(SAMPLE)]).stdout
    assert "组 1" in table and "疑似重复" in table


def test_against_and_errors(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    local = make_catalog({"records/a.yaml": record("DB4103/T 1-2023", "机关食堂服务管理规范")}, name="local")
    result = runner.invoke(app, ["dupes", str(local), "--against", str(SAMPLE), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    result = runner.invoke(app, ["dupes", str(SAMPLE / "records"), "--against", str(SAMPLE)])
    assert result.exit_code == 2 and "同一个目录" in result.output
    assert runner.invoke(app, ["dupes", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["dupes", str(local), "--against", str(tmp_path / "missing")]).exit_code == 2
    broken = make_catalog({}, config="[duplicates]\nmin_scor = 0.5\n", name="broken")
    result = runner.invoke(app, ["dupes", str(broken)])
    assert result.exit_code == 2 and "min_scor" in result.output


def test_config_threshold(make_catalog: CatalogFactory) -> None:
    files = {"records/a.yaml": record("DB11/T 1-2021", "党政机关一般公务用车管理规范"),
             "records/b.yaml": record("DB12/T 1-2021", "党政机关公务用车管理规范")}
    loose = make_catalog(files, name="loose")
    strict = make_catalog(files, config="[duplicates]\nmin_score = 0.9\n", name="strict")
    assert len(json.loads(runner.invoke(app, ["dupes", str(loose), "-f", "json"]).stdout)) == 1
    assert json.loads(runner.invoke(app, ["dupes", str(strict), "-f", "json"]).stdout) == []


def test_lint_reports_duplicates_as_warnings_and_info() -> None:
    result = runner.invoke(app, ["lint", str(SAMPLE), "--select", "D", "--format", "json", "--as-of", "2026-11-23"])
    findings = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {f["rule"] for f in findings} == {"D002", "D003"}
    assert {f["severity"] for f in findings if f["rule"] == "D002"} == {"warning"}
    assert {f["severity"] for f in findings if f["rule"] == "D003"} == {"info"}
    assert any(f["path"].endswith("DB41-T-2397-2023.yaml") and f["line"] == 3 for f in findings if f["rule"] == "D002")

"""`gbstd dupes` through the CLI: formats, thresholds, --against, exit codes; and the D rules in lint."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "standards"


def _pairs(groups: list[dict]) -> list[dict]:
    return [p for g in groups for p in g["pairs"]]


def test_sample_catalog_json_groups() -> None:
    result = runner.invoke(app, ["dupes", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    assert groups and all({"group", "kind", "members", "pairs"} <= set(g) for g in groups)
    assert [g["group"] for g in groups] == list(range(1, len(groups) + 1))
    assert [g["score"] for g in groups] == sorted((g["score"] for g in groups), reverse=True)  # strongest first
    for group in groups:
        assert len(group["pairs"]) <= len(group["members"]) - 1  # a spanning set, not every pair
        assert {c for p in group["pairs"] for c in (p["a"], p["b"])} == set(group["members"])
    pairs = _pairs(groups)
    assert all({"a", "b", "score", "kind", "reason"} <= set(p) for p in pairs)
    every = _pairs(json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--all-pairs"]).stdout))
    found = {(p["a"], p["b"]): p for p in every}
    assert found[("GB/T 42967-2023", "DB41/T 2397-2023")]["kind"] == "adopt-upper"
    assert {p["kind"] for p in pairs} <= {"same-code", "merge", "adopt-upper", "sibling"}
    # 公务用车配备/处置/标识 are different aspects: never in one group with the car-service standards
    for group in groups:
        assert not {"DB6103/T 20-2020", "DB3310/T 80-2021"} <= set(group["members"])


def test_pairs_flag_gives_the_flat_list_and_all_pairs_every_pair() -> None:
    groups = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json"]).stdout)
    flat = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--pairs"]).stdout)
    assert [(p["a"], p["b"]) for p in flat] == [(p["a"], p["b"]) for p in _pairs(groups)]
    assert all(p["group"] >= 1 and {"a", "b", "score", "kind", "reason"} <= set(p) for p in flat)
    every = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--pairs", "--all-pairs"]).stdout)
    assert len(every) == sum(g["pair_count"] for g in groups) > len(flat)
    assert ("DB1411/T 62-2023", "DB3310/T 80-2021") in {(p["a"], p["b"]) for p in every}
    assert {(p["a"], p["b"]) for p in flat} <= {(p["a"], p["b"]) for p in every}



@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_pairs_with_the_table_or_markdown_is_a_usage_error(fmt: str) -> None:
    # the table and Markdown list groups: --pairs was ignored without a word and the groups came out
    for lang, said in (("zh", "--pairs 只用于 JSON 或 CSV 输出"), ("en", "--pairs is for JSON or CSV output")):
        result = runner.invoke(app, ["dupes", str(SAMPLE), "-f", fmt, "--pairs", "--lang", lang])
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert said in " ".join(result.stderr.split()) and "Traceback" not in result.output
    assert runner.invoke(app, ["dupes", str(SAMPLE), "-f", "csv", "--pairs"]).exit_code == 0

def test_supersession_only_on_request() -> None:
    plain = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json"]).stdout)
    full = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--supersession"]).stdout)
    extra = [g for g in full if g["kind"] == "supersession"]
    assert ["GB/T 29118-2012", "GB/T 29118-2023"] in [g["members"] for g in extra]
    assert all(g["group"] is None for g in extra)
    assert len(full) == len(plain) + len(extra)


def test_min_score_as_fraction_or_percentage() -> None:
    fraction = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--min-score", "0.95"]).stdout)
    percent = json.loads(runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json", "--min-score", "95"]).stdout)
    assert fraction == percent and fraction and all(p["score"] >= 0.95 for p in _pairs(fraction))


@pytest.mark.parametrize("value", ["nan", "inf", "-0.5", "100.5"])
def test_a_min_score_that_is_no_score_is_refused_for_what_it_is(value: str) -> None:
    result = runner.invoke(app, ["dupes", str(SAMPLE), "--min-score", value])
    assert result.exit_code == 2
    assert "is not a score from 0 to 1" in " ".join(result.output.split()), result.output


def test_csv_markdown_and_table() -> None:
    out = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "csv", "--lang", "en"]).stdout
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows and rows[0]["group"] == "1" and float(rows[0]["score"]) <= 1 and int(rows[0]["group_size"]) >= 2
    markdown = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "markdown", "--lang", "en"]).stdout
    assert markdown.startswith("# Likely duplicate standards") and "| DB41/T 2397-2023 |" in markdown
    assert "## Group 1 (" in markdown and " pairs, best " in markdown
    table = runner.invoke(app, ["dupes", str(SAMPLE)]).stdout
    assert "组 1" in table and "疑似重复" in table and "组疑似重复标准，涉及" in table


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


def test_against_says_which_catalog_each_record_is_in(tmp_path: Path) -> None:
    # against a copy of itself every code is in both: the groups listed codes twice and mirrored pairs twice,
    # with nothing to tell the reference's records from the catalog's
    copy = tmp_path / "national"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns(".gbstd-cache"))
    result = runner.invoke(app, ["dupes", str(SAMPLE), "--against", str(copy), "-f", "json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    assert groups
    for group in groups:
        sides = {(p[f"{s}"], p[f"{s}_catalog"], p[f"{s}_path"]) for p in group["pairs"] for s in "ab"}
        assert {catalog for _, catalog, _ in sides} == {"catalog", "reference"}  # each pair crosses the two
        for code, catalog, path in sides:
            assert path.startswith(f"{copy}/records/") == (catalog == "reference"), (code, catalog, path)
        assert set(group["reference_members"]) == {c for c, side, _ in sides if side == "reference"}
    table = runner.invoke(app, ["dupes", str(SAMPLE), "--against", str(copy), "--lang", "en"]).stdout
    assert " (reference)" in table
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        app, ["dupes", str(SAMPLE), "--against", str(copy), "-f", "csv", "--lang", "en"]).stdout.lstrip("\ufeff"))))
    assert {(row["a_catalog"], row["b_catalog"]) for row in rows} <= {("catalog", "reference"), ("reference", "catalog")}
    plain = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "json"]).stdout  # without --against: as before
    assert "_catalog" not in plain and "reference_members" not in plain


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


def _copies(n: int) -> dict[str, str]:
    """One subject written by ``n`` cities of different provinces (sibling copies), plus one in Henan's capital."""
    provinces = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "42",
                 "43", "44", "45", "46", "50", "51", "52", "53", "61", "62"]
    files = {}
    for k in range(n):
        code = f"DB{provinces[k % len(provinces)]}{k // len(provinces) + 1:02d}/T {k + 1}-2022"
        files[f"records/r{k}.yaml"] = record(code, "机关食堂服务规范" if k % 2 else "党政机关食堂服务管理规范")
    return files


def test_a_group_of_n_copies_is_one_group_and_n_findings(make_catalog: CatalogFactory) -> None:
    n = 26  # more than a set compared pairwise (SMALL_SET): the O(n) links
    root = make_catalog(_copies(n))
    groups = json.loads(runner.invoke(app, ["dupes", str(root), "-f", "json"]).stdout)
    assert len(groups) == 1 and groups[0]["size"] == n and groups[0]["kind"] == "sibling"
    assert groups[0]["pair_count"] == n * (n - 1) // 2  # every pair counted ...
    assert len(groups[0]["pairs"]) == n - 1  # ... a spanning set kept
    every = json.loads(runner.invoke(app, ["dupes", str(root), "-f", "json", "--all-pairs"]).stdout)
    assert len(every[0]["pairs"]) == n * (n - 1) // 2 and every[0]["members"] == groups[0]["members"]
    result = runner.invoke(app, ["lint", str(root), "--select", "D", "-f", "json", "--no-cache"])
    findings = json.loads(result.stdout)
    assert [f["rule"] for f in findings].count("D003") == n  # one per record, not n(n−1)/2
    assert len({f["path"] for f in findings}) == n
    assert all(f"{n} 项" in f["message"] for f in findings)


def test_d001_and_d002_one_finding_per_record_naming_the_strongest_partner(make_catalog: CatalogFactory) -> None:
    files = {f"records/z{k}.yaml": record(f"DB4103/T {k + 1}-2021", t) for k, t in
             enumerate(["机关食堂服务规范", "机关食堂服务管理规范", "党政机关食堂服务规范"])}
    files["records/p.yaml"] = record("DB41/T 9-2020", "机关食堂服务规范")
    root = make_catalog(files)
    findings = json.loads(runner.invoke(app, ["lint", str(root), "--select", "D", "-f", "json", "--no-cache",
                                              "--lang", "en"]).stdout)
    d001 = [f for f in findings if f["rule"] == "D001"]
    d002 = [f for f in findings if f["rule"] == "D002"]
    # three Luoyang standards on one subject: each gets one D001 (identical titles excepted: C009's)
    assert len(d001) == len({f["path"] for f in d001}) == 3
    assert all("group of 4" in f["message"] for f in d001)
    # each of them re-makes the Henan one: one D002 each, naming it; the province itself gets none
    assert sorted(f["path"] for f in d002) == ["records/z0.yaml", "records/z1.yaml", "records/z2.yaml"]
    assert all("DB41/T 9-2020" in f["message"] for f in d002)


def test_end_to_end_on_a_generated_sibling_catalog(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate_sibling_catalog

    root = tmp_path / "siblings"
    manifest = generate_sibling_catalog(root, 600, seed=3)
    assert manifest.records == 600
    groups = json.loads(runner.invoke(app, ["dupes", str(root), "-f", "json"]).stdout)
    members = [c for g in groups for c in g["members"]]
    assert len(members) == len(set(members))  # a record is in one group
    assert all(len(g["pairs"]) == g["size"] - 1 for g in groups)  # spanning sets
    total = sum(g["pair_count"] for g in groups)
    every = json.loads(runner.invoke(app, ["dupes", str(root), "-f", "json", "--pairs", "--all-pairs"]).stdout)
    assert total == len(every) > sum(len(g["pairs"]) for g in groups)  # pairs counted, a spanning set listed
    result = runner.invoke(app, ["lint", str(root), "--select", "D", "-f", "json", "--no-cache"])
    findings = json.loads(result.stdout)
    per_rule = {(f["rule"], f["path"]) for f in findings}
    assert len(per_rule) == len(findings) <= 3 * len(members)  # at most one finding per record and rule


def test_fingerprint_follows_what_duplicate_detection_reads(make_catalog: CatalogFactory) -> None:
    from gbstd.catalog.loader import load_catalog
    from gbstd.similarity import fingerprint

    root = make_catalog(_copies(3))
    before = fingerprint(load_catalog(root))
    assert fingerprint(load_catalog(root)) == before
    (root / "records/r1.yaml").write_text(record("DB1201/T 2-2022", "机关食堂餐饮服务规范"), encoding="utf-8")
    assert fingerprint(load_catalog(root)) != before


@pytest.mark.parametrize("long", [False, True])
def test_the_table_prints_no_control_character_of_a_title_and_keeps_each_row_on_its_lines(
    make_catalog: CatalogFactory, monkeypatch: pytest.MonkeyPatch, long: bool
) -> None:
    from gbstd.reporters import dupes as dupes_reporter

    files = {"records/a.yaml": record("DB11/T 1-2021", '"党政机关\\e公务用车\\a管理\\n规范"'),
             "records/b.yaml": record("DB12/T 1-2021", "党政机关公务用车管理规范")}
    root = make_catalog(files)
    if long:
        monkeypatch.setattr(dupes_reporter, "LONG_TABLE", 0)
    result = runner.invoke(app, ["dupes", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    rows = [line for line in result.stdout.splitlines() if "DB11/T 1-2021" in line and "│" in line]
    assert len(rows) == 1 and "管理 规范" in rows[0]

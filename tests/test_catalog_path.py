"""One way to name the catalog: every command takes it as an optional positional PATH and as -C PATH, with
the same meaning; both given and different is an error (exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
AS_OF = ["--as-of", "2026-01-01"]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# (command words before the catalog, options after it): the catalog goes in as PATH or as -C PATH.
READING = [
    (["lint"], ["--no-cache", "--format", "json", *AS_OF]),
    (["fmt"], ["--check"]),
    (["dupes"], ["--format", "json"]),
    (["system"], ["--format", "json", *AS_OF]),
    (["pipeline"], ["--format", "json", *AS_OF]),
    (["review"], ["--format", "json", *AS_OF]),
    (["plan", "status"], ["--format", "json", *AS_OF]),
    (["history", "GB/T 41568-2022"], ["--format", "json"]),
    (["report", "catalog"], ["--format", "csv"]),
]


@pytest.mark.parametrize(("words", "options"), READING, ids=[" ".join(w) for w, _ in READING])
def test_positional_path_and_dash_c_give_the_same_output(words: list[str], options: list[str]) -> None:
    positional = run(*words, str(SAMPLE), *options)
    dash_c = run(*words, "-C", str(SAMPLE), *options)
    long = run(*words, *options, "--catalog", str(SAMPLE))
    assert positional[0] in (0, 1), positional
    assert positional == dash_c == long
    assert positional[1].strip()


def test_report_bulletin_both_ways(tmp_path: Path) -> None:
    written = []
    for how, args in (("a", [str(SAMPLE)]), ("b", ["-C", str(SAMPLE)])):
        out = tmp_path / f"{how}.json"
        code, _, stderr = run("report", "bulletin", *args, "--period", "2023H2", "-f", "json", "-o", str(out), *AS_OF)
        assert code == 0, stderr
        written.append(out.read_text(encoding="utf-8"))
    assert written[0] == written[1] and written[0].startswith("{")


def test_report_site_both_ways(tmp_path: Path) -> None:
    for how, args in (("a", [str(SAMPLE)]), ("b", ["-C", str(SAMPLE)])):
        code, _, _ = run("report", "site", *args, "-o", str(tmp_path / how), *AS_OF)
        assert code == 0
    pages = {p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.html")}
    assert pages and pages == {p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.html")}


@pytest.mark.parametrize(("words", "options"), READING, ids=[" ".join(w) for w, _ in READING])
def test_both_given_and_different_is_an_error(words: list[str], options: list[str], tmp_path: Path) -> None:
    code, stdout, stderr = run(*words, str(SAMPLE), *options, "-C", str(tmp_path))
    assert code == 2
    assert "两次" in stderr and not stdout.strip()


def test_both_given_and_the_same_is_fine() -> None:
    code, stdout, _ = run("dupes", str(SAMPLE), "-C", str(SAMPLE / "."), "--format", "json")
    assert code == 0 and stdout.startswith("[")


def test_review_takes_the_catalog_positionally_and_keeps_its_add_command(tmp_path: Path) -> None:
    catalog = tmp_path / "standards"
    shutil.copytree(SAMPLE, catalog, ignore=shutil.ignore_patterns(".gbstd-cache"))
    code, _, stderr = run("review", str(catalog), *AS_OF)
    assert code == 0, stderr
    code, _, stderr = run("review", "add", "GB/T 41568-2022", "-C", str(catalog), "--date", "2025-04-10",
                               "--conclusion", "继续有效", "--by", "国管局")
    assert code == 0, stderr
    assert "2025-04-10" in (catalog / "records" / "national" / "GB-T-41568-2022.yaml").read_text(encoding="utf-8")


def test_new_and_import_take_dash_c(tmp_path: Path) -> None:
    catalog = tmp_path / "standards"
    shutil.copytree(SAMPLE, catalog, ignore=shutil.ignore_patterns(".gbstd-cache"))
    code, _, stderr = run("new", "DB41/T 9990-2024", "--title", "机关食堂服务规范", "-C", str(catalog))
    assert code == 0, stderr
    assert (catalog / "records" / "local" / "DB41-T-9990-2024.yaml").is_file()
    table = tmp_path / "table.csv"
    table.write_text("标准号,标准名称,状态\nDB41/T 9991-2024,机关会议服务规范,现行\n", encoding="utf-8")
    code, _, stderr = run("import", str(table), "-C", str(catalog))
    assert code == 0, stderr
    assert (catalog / "records" / "local" / "DB41-T-9991-2024.yaml").is_file()

"""A catalog whose directory or files are named in another encoding than UTF-8 (GBK names, as a zip made on
Chinese Windows unpacks on Linux) is linted, not crashed on: the stored report's key and the duplicate memo
met such a path in orjson, which refuses undecodable bytes (a traceback before any output; every D rule an
internal error)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gbstd.catalog.config_file import load_config
from gbstd.engine import Selection
from gbstd.linting import LintOutcome, lint_catalog
from gbstd.serve.app import create_app

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
GBK_DIRECTORY = "中文".encode("gbk")  # b"\xd6\xd0\xce\xc4": not UTF-8 (目录 in GBK happens to be)
GBK_FILE = "测试.yaml".encode("gbk")  # b"\xb2\xe2\xca\xd4.yaml"
AS_OF = dt.date(2026, 11, 27)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = os.fsdecode(os.path.join(os.fsencode(tmp_path), GBK_DIRECTORY))
    try:
        shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
        local = os.path.join(os.fsencode(root), b"records", b"local")
        os.rename(os.path.join(local, b"DB4103-T-152-2023.yaml"), os.path.join(local, GBK_FILE))
    except (OSError, UnicodeError):
        pytest.skip("this file system keeps only UTF-8 names")
    return Path(root)


def test_a_catalog_with_names_in_gbk_is_linted(catalog: Path) -> None:
    # the command line itself (its streams write undecodable bytes as they came), from the catalog's parent:
    # the reported paths start with the directory's own name
    for _ in range(2):  # the second run reads what the first left
        run = subprocess.run([sys.executable, "-m", "gbstd", "lint", catalog.name, "--lang", "en"],
                             cwd=catalog.parent, capture_output=True, timeout=120)
        assert run.returncode == 1, run.stderr
        assert b"internal error" not in run.stderr and b"Traceback" not in run.stderr
        assert b"Checked 55 files" in run.stdout
        assert b"records/local/" + GBK_FILE in run.stdout  # its finding (C003: the name is not the code's)


def _gbstd(catalog: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    run = subprocess.run([sys.executable, "-m", "gbstd", *args], cwd=catalog, capture_output=True, timeout=120)
    assert b"Traceback" not in run.stderr, run.stderr.decode("utf-8", "replace")
    return run


GBK_PATH = os.fsdecode(b"records/local/" + GBK_FILE)  # as Python holds it: each undecodable byte a lone surrogate


@pytest.mark.parametrize("run_number", [1, 2])  # a fresh report, then the stored one
def test_document_formats_stay_valid_utf8_and_keep_the_name(catalog: Path, run_number: int) -> None:
    # JSON, SARIF and JUnit readers refuse a whole file for one byte that is not UTF-8 (a code-scanning upload)
    for _ in range(run_number):
        outputs = {fmt: _gbstd(catalog, "lint", ".", "--format", fmt).stdout for fmt in ("json", "sarif", "junit")}
    findings = json.loads(outputs["json"].decode("utf-8"))
    # escaped as \udcb2…: a JSON reader gets the same string back, and os.fsencode the name's bytes
    assert b'"path": "records/local/\\udcb2\\udce2\\udcca\\udcd4.yaml"' in outputs["json"]
    assert any(os.fsencode(f["path"]) == b"records/local/" + GBK_FILE for f in findings)
    sarif = json.loads(outputs["sarif"].decode("utf-8"))
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in sarif["runs"][0]["results"] for loc in result["locations"]}
    assert "records/local/%B2%E2%CA%D4.yaml" in uris  # a URI's escape of each byte
    suites = ET.fromstring(outputs["junit"].decode("utf-8")).findall("testsuite")
    assert "records/local/\\xb2\\xe2\\xca\\xd4.yaml" in {suite.get("name") for suite in suites}  # XML has no escape


def test_dupes_review_tables_and_site_with_a_gbk_name(catalog: Path, tmp_path: Path) -> None:
    # each printed a traceback (orjson, the CSV and the site's pages refused the name) or wrote invalid UTF-8
    dupes = _gbstd(catalog, "dupes", ".", "--format", "json")
    assert dupes.returncode == 0
    assert any(GBK_PATH in (pair["a_path"], pair["b_path"])
               for group in json.loads(dupes.stdout.decode("utf-8")) for pair in group["pairs"])
    table = _gbstd(catalog, "dupes", ".", "--format", "csv")
    assert table.returncode == 0 and "records/local/\\xb2\\xe2\\xca\\xd4.yaml" in table.stdout.decode("utf-8-sig")
    review = _gbstd(catalog, "review", ".", "--format", "json")
    assert review.returncode == 0
    assert GBK_PATH in {item["path"] for item in json.loads(review.stdout.decode("utf-8"))["items"]}
    site = _gbstd(catalog, "report", "site", ".", "-o", str(tmp_path / "site"))
    assert site.returncode == 0
    page = (tmp_path / "site" / "standards" / "DB4103-T-152-2023.html").read_bytes().decode("utf-8")
    assert "records/local/\\xb2\\xe2\\xca\\xd4.yaml" in page


def test_the_web_editor_shows_a_record_whose_file_name_is_gbk(catalog: Path) -> None:
    # the page was a server error: Starlette encodes the page as UTF-8, which refuses the name's bytes
    client = TestClient(create_app(catalog), base_url="http://127.0.0.1")
    response = client.get("/standard", params={"code": "DB4103/T 152-2023"})
    assert response.status_code == 200
    assert "records/local/\\xb2\\xe2\\xca\\xd4.yaml" in response.text


def _findings(outcome: LintOutcome) -> list[tuple[str, str, int, int, str]]:
    return sorted((f.rule, f.path, f.line, f.column, f.message.en) for f in outcome.result.findings)


def test_the_cache_keeps_a_catalog_with_names_in_gbk(catalog: Path) -> None:
    # every run of such a catalog was cold: orjson refused the names, so no state, result or memo was kept
    def lint(use_cache: bool = True) -> LintOutcome:
        return lint_catalog(catalog, load_config(catalog), AS_OF, Selection(), use_cache=use_cache)

    first = lint()
    assert lint().from_cache  # the stored result
    odd = catalog / "records" / "local" / os.fsdecode(GBK_FILE)
    odd.write_text(odd.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    edited = lint()
    assert edited.rechecked == [os.fsdecode(b"records/local/" + GBK_FILE)]  # incremental, not a full run
    assert _findings(edited) == _findings(lint(use_cache=False)) != _findings(first)


def test_an_upper_case_yaml_suffix_is_read_and_named(tmp_path: Path) -> None:
    # records/X.YAML (saved so on Windows, where case does not count) was left out of lint and of every report
    # without a word: a standard published in the period was missing from the bulletin's figures.
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    (root / "records" / "DB41-T-9007-2023.YAML").write_text(
        "code: DB41/T 9007-2023\ntitle: 大写扩展名\nstatus: 现行\npublished: 2023-08-01\neffective: 2023-09-01\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--select", "C003", "--no-cache"])
    findings = json.loads(result.stdout)
    assert [(f["rule"], f["path"]) for f in findings] == [("C003", "records/DB41-T-9007-2023.YAML")]
    assert "DB41-T-9007-2023.yaml" in findings[0]["message"]  # C003 names the file it should be
    out = tmp_path / "t.csv"
    assert runner.invoke(app, ["report", "catalog", str(root), "-o", str(out)]).exit_code == 0
    assert "DB41/T 9007-2023" in out.read_text(encoding="utf-8-sig")

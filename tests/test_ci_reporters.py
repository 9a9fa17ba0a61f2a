"""SARIF (validated against the official 2.1.0 schema), GitHub Actions annotations and JUnit XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.findings import Finding, FindingSet, Severity
from gbstd.i18n import Text
from gbstd.reporters import REPORTER_BY_NAME, ReportInput
from gbstd.reporters.github import annotation, escape_data, escape_property
from gbstd.rules import ALL_RULES
from tests.git_catalog import standard, write_record

runner = CliRunner()
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
AS_OF = "2025-06-01"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A catalog with an error (C007), a warning-free info (C017) and a clean record."""
    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    write_record(
        root, "GB-T-1-2020.yaml", **standard("GB/T 1-2020", "甲", status="废止", effective="2020-06-01")
    )
    write_record(root, "GB-T-2-2020.yaml", **standard("GB/T2-2020", "乙", effective="2020-06-01"))
    write_record(root, "GB-T-3-2020.yaml", **standard("GB/T 3-2020", "丙", effective="2020-06-01"))
    return root


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    # Without the review clock (R rules), whose findings depend on the records' ages.
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--lang", "en", "--ignore", "R", *args], env=env)
    return result.exit_code, result.stdout


def test_sarif_is_valid_against_the_official_schema(catalog: Path) -> None:
    code, out = run(catalog, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.code for r in ALL_RULES]
    c007 = next(r for r in driver["rules"] if r["id"] == "C007")
    assert "What it does" in c007["help"]["text"] and "Use instead" in c007["help"]["text"]
    results = log["runs"][0]["results"]
    assert {(r["ruleId"], r["level"]) for r in results} == {("C007", "error"), ("C017", "note")}
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_clean_run_is_valid_too(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    code, out = run(root, "--format", "sarif")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(out))
    assert code == 0 and json.loads(out)["runs"][0]["results"] == []


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the Actions runner does."""
    assert line.startswith("::")
    body = line[2:]
    head, _, data = body.partition("::")
    command, _, props_text = head.partition(" ")

    def unescape(value: str, prop: bool) -> str:
        if prop:
            value = value.replace("%3A", ":").replace("%2C", ",")
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")

    props = {}
    for pair in filter(None, props_text.split(",")):
        key, _, value = pair.partition("=")
        props[key] = unescape(value, True)
    return command, props, unescape(data, False)


def test_github_escaping_round_trips() -> None:
    message = "100% sure: a::b\r\nnext line\n::error::injected"
    finding = Finding(
        "C007", Text(message, message), "records/a,b:c.yaml", line=3, column=5, severity=Severity.WARNING
    )
    line = annotation(finding, ReportInput(FindingSet([finding]), lang="en", path_prefix="standards"))
    assert "\n" not in line and "\r" not in line
    command, props, data = parse_command(line)
    assert command == "warning"
    assert props == {
        "file": "standards/records/a,b:c.yaml",
        "line": "3",
        "col": "5",
        "title": "gbstd C007 status-dates",
    }
    assert data == message.replace("\r", "")  # a carriage return is a control character: left out
    assert escape_data("50%\n") == "50%25%0A"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_format_is_chosen_on_github_actions(catalog: Path) -> None:
    _, out = run(catalog, env={"GITHUB_ACTIONS": "true"})
    lines = out.splitlines()
    assert lines[0].startswith("::error file=") and "title=gbstd C007 status-dates" in lines[0]
    assert any(line.startswith("::notice ") for line in lines)
    _, plain = run(catalog, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert not plain.startswith("::")
    _, local = run(catalog, env={"GITHUB_ACTIONS": "false"})
    assert not local.startswith("::")


def test_github_paths_name_files_of_the_checkout_from_a_subdirectory(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A step with `working-directory: tools` gave annotations the file's absolute path on the runner, not a path in
    # the repository: the formats GitHub reads name files from the checkout (GITHUB_WORKSPACE) when it holds the
    # catalog, and as before otherwise.
    workspace = catalog.parent
    (workspace / "tools").mkdir()
    monkeypatch.chdir(workspace / "tools")
    env = {"GITHUB_WORKSPACE": str(workspace)}
    _, out = run(catalog, "--format", "github", env=env)
    assert parse_command(out.splitlines()[0])[1]["file"] == "cat/records/GB-T-1-2020.yaml"
    _, out = run(catalog, "--format", "sarif", env=env)
    uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "cat/records/GB-T-1-2020.yaml"
    _, out = run(catalog, "--format", "github", env={"GITHUB_WORKSPACE": str(workspace / "elsewhere")})
    assert parse_command(out.splitlines()[0])[1]["file"] == f"{catalog.resolve().as_posix()}/records/GB-T-1-2020.yaml"


def test_junit_is_well_formed(catalog: Path) -> None:
    _, out = run(catalog, "--format", "junit")
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("tests", "0")) == len(cases) == 2
    assert int(root.get("failures", "0")) == 1  # the C007 error; C017 (info) passes
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.get("type", "").startswith("C007")


def test_junit_clean_run_has_one_passing_case(tmp_path: Path) -> None:
    root = tmp_path / "clean"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    _, out = run(root, "--format", "junit")
    tree = ET.fromstring(out.encode("utf-8"))
    assert tree.get("tests") == "1" and tree.get("failures") == "0"


def test_every_format_is_registered_and_offered() -> None:
    from gbstd.cli.lint import Format

    assert {f.value for f in Format} == set(REPORTER_BY_NAME) == {"text", "json", "sarif", "github", "junit"}



def _hostile(catalog: Path, name: str, title_yaml: str) -> None:
    """A record at ``name`` (not its code's file name: C003 names the file in every format) whose title is
    ``title_yaml`` as written in the file, with a twin of the same title (the D rules quote it)."""
    for rel, code in ((name, "GB/T 8-2020"), ("GB-T-9-2020.yaml", "GB/T 9-2020")):
        (catalog / "records" / rel).write_text(
            f"code: {code}\ntitle: {title_yaml}\nstatus: 现行\neffective: 2020-06-01\n", encoding="utf-8"
        )


@pytest.mark.parametrize("encoding", ["cp936", "ascii"])
def test_documents_are_utf8_whatever_the_console(catalog: Path, encoding: str) -> None:
    # A Chinese Windows console (or output redirected on one) wrote JSON, SARIF and JUnit in GBK, and an ASCII
    # one put stand-ins for “” and ↔ into them: JSON with bare quotes, XML with '<->'.
    import os
    import subprocess
    import sys

    _hostile(catalog, "食堂↔“反浪费”.yaml", "机关食堂反食品浪费工作指南")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "GITHUB_ACTIONS": "false"}
    outputs = {}
    for form in ("json", "sarif", "junit", "github"):
        done = subprocess.run(
            [sys.executable, "-m", "gbstd", "lint", str(catalog), "--as-of", AS_OF, "--no-cache", "-f", form],
            capture_output=True, env=env, check=False,
        )
        assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
        outputs[form] = done.stdout.decode("utf-8")  # strict: every byte is UTF-8
    assert "records/食堂↔“反浪费”.yaml" in outputs["github"]
    assert "records/食堂↔“反浪费”.yaml" in {f["path"] for f in json.loads(outputs["json"])}
    json.loads(outputs["sarif"])
    suites = ET.fromstring(outputs["junit"].encode("utf-8")).iter("testsuite")
    assert any(suite.get("name", "").endswith("records/食堂↔“反浪费”.yaml") for suite in suites)


def test_control_characters_in_data_keep_junit_and_github_readable(catalog: Path) -> None:
    _hostile(catalog, "esc\x1b[31m.yaml", "机关食堂反食品浪费工作指南")  # a file name holding an ESC (Y008 too)
    _, out = run(catalog, "--format", "junit")
    root = ET.fromstring(out.encode("utf-8"))  # an ESC written as it is made the whole file unreadable
    assert any(suite.get("name", "").endswith("records/esc\\x1b[31m.yaml") for suite in root.iter("testsuite"))
    _, out = run(catalog, "--format", "github")
    assert "\x1b" not in out and "file=" in out and "records/esc[31m.yaml" in out


@pytest.mark.parametrize(("path", "uri", "base"), [
    ("a:b.yaml", "./a:b.yaml", True),  # as written, "a:" read as a URI scheme
    ("records/a|b.yaml", "records/a%7Cb.yaml", True),
    ('records/"<>\\^`{}.yaml', "records/%22%3C%3E%5C%5E%60%7B%7D.yaml", True),
    ("records/食堂 1.yaml", "records/%E9%A3%9F%E5%A0%82%201.yaml", True),  # RFC 3986 holds ASCII only
    ("records/a%b#c?.yaml", "records/a%25b%23c%3F.yaml", True),
    ("/srv/河南/r.yaml", "file:///srv/%E6%B2%B3%E5%8D%97/r.yaml", False),
    ("/srv/cat x/r.yaml", "file:///srv/cat%20x/r.yaml", False),  # a catalog outside the working directory
    ("C:/cat/r.yaml", "file:///C:/cat/r.yaml", False),
])
def test_sarif_locations_are_uri_references(path: str, uri: str, base: bool) -> None:
    from urllib.parse import unquote, urlsplit

    from gbstd.reporters.sarif import artifact_location

    location = artifact_location(path)
    assert location["uri"] == uri
    assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*", uri)  # an RFC 3986 reference
    assert unquote(uri).endswith(path.removeprefix("/"))  # decodes back to the path
    assert ("uriBaseId" in location) is base  # a base only for a relative reference
    assert (urlsplit(uri).scheme == "") is base


def test_text_keeps_one_line_per_finding_and_sarif_help_follows_the_language(catalog: Path) -> None:
    from gbstd.reporters.text import render_text

    finding = Finding("C007", Text("标题\n第二行", "a title\nsecond line"), "records/a.yaml", line=2, column=8,
                      severity=Severity.WARNING)
    text = render_text(ReportInput(FindingSet([finding]), lang="en"))
    lines = [line for line in text.splitlines() if "C007" in line]
    assert lines == ["  records/a.yaml:2:8: warning C007 a title second line"]
    _, out = run(catalog, "--format", "sarif", "--lang", "zh")
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert "做什么" in next(r for r in rules if r["id"] == "C007")["help"]["text"]


def test_the_minus_sign_has_a_stand_in() -> None:
    from gbstd.cli.console import stand_in

    assert stand_in("−") == "-"  # `dupes --help` showed "(n ? 1 for n members)" on a GBK console

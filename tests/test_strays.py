"""Stray files (Y011): YAML files in no file kind's place are findings; named paths outside the catalog are
errors (exit 2), never "0 files checked"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
RECORD = SAMPLE / "records" / "local" / "DB41-T-2397-2023.yaml"
runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def lint_json(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, ["lint", *args, "--format", "json", "--as-of", "2026-01-01"])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else [], result.stderr


def strays(findings: list[dict[str, object]]) -> dict[str, str]:
    return {str(f["path"]): str(f["message"]) for f in findings if f["rule"] == "Y011"}


def test_a_record_at_the_root_and_in_a_misspelled_folder_are_each_reported(catalog: Path) -> None:
    shutil.copy(RECORD, catalog / "DB41-T-9998-2024.yaml")
    (catalog / "recrods" / "local").mkdir(parents=True)
    shutil.copy(RECORD, catalog / "recrods" / "local" / RECORD.name)
    for cached in ("--no-cache", None, None):  # the cache, cold then warm, must not lose them
        code, findings, _ = lint_json(str(catalog), *([cached] if cached else []))
        found = strays(findings)
        assert set(found) == {"DB41-T-9998-2024.yaml", "recrods/local/DB41-T-2397-2023.yaml"}
        assert all("records/" in message for message in found.values())
        assert all(f["severity"] == "warning" for f in findings if f["rule"] == "Y011")
    code, _, _ = lint_json(str(catalog), "--select", "Y011")
    assert code == 0  # a warning: the run fails only with --strict
    code, _, _ = lint_json(str(catalog), "--select", "Y011", "--strict")
    assert code == 1


def test_a_stray_file_named_on_the_command_line_is_checked_not_zero_files(catalog: Path) -> None:
    shutil.copy(RECORD, catalog / "DB41-T-9998-2024.yaml")
    _, findings, _ = lint_json(str(catalog / "DB41-T-9998-2024.yaml"), "--no-cache")
    assert [f["rule"] for f in findings] == ["Y011"]
    result = runner.invoke(app, ["lint", str(catalog / "DB41-T-9998-2024.yaml"), "--no-cache", "--lang", "en"])
    assert "Checked 1 files" in result.stdout and "0 files" not in result.stdout
    assert "looks like a record — move it under records/" in result.stdout


def test_stray_kinds_are_guessed_from_their_keys(catalog: Path) -> None:
    shutil.copy(catalog / "plans" / "henan-2021.yaml", catalog / "plan.yaml")
    shutil.copy(next((catalog / "projects").glob("*.yaml")), catalog / "project.yml")
    shutil.copy(catalog / "notes" / "2023H2.yaml", catalog / "notes.yaml")
    (catalog / "other.yaml").write_text("a: 1\n", encoding="utf-8")
    (catalog / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    _, findings, _ = lint_json(str(catalog), "--no-cache", "--lang", "en")
    found = strays(findings)
    assert "move it under plans/" in found["plan.yaml"]
    assert "move it under projects/" in found["project.yml"]
    assert "move it under notes/" in found["notes.yaml"]
    assert "[catalog] exclude" in found["other.yaml"] and "[catalog] exclude" in found["broken.yaml"]


def test_ignored_places_and_configured_excludes_are_not_scanned(catalog: Path) -> None:
    for rel in (".github/workflows/ci.yml", ".pre-commit-config.yaml", "templates/site/x.yaml",
                "venv/lib/site.yaml", "docs/api.yaml", "mkdocs.yml", ".gbstd-cache/x.yaml", "keep/a.bak.yaml"):
        (catalog / rel).parent.mkdir(parents=True, exist_ok=True)
        (catalog / rel).write_text("a: 1\n", encoding="utf-8")
    (catalog / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    config = catalog / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[catalog]\n", "[catalog]\nexclude = ['docs/', '/mkdocs.yml', '*.bak.yaml']\n"), encoding="utf-8")
    _, findings, _ = lint_json(str(catalog), "--no-cache")
    assert strays(findings) == {}
    assert all(f.rule != "Y011" for f in load_catalog(catalog).load_findings)


@pytest.mark.parametrize("named", ["outside", "templates/site/x.yaml", "templates", "gbstd.toml"])
def test_a_named_path_that_is_not_part_of_the_catalog_is_an_error(catalog: Path, tmp_path: Path,
                                                                  named: str) -> None:
    (catalog / "templates" / "site").mkdir(parents=True)
    (catalog / "templates" / "site" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside if named == "outside" else catalog / named
    result = runner.invoke(app, ["lint", str(catalog / "records"), str(target), "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "gbstd:" in result.stderr and "0 个文件" not in result.stdout


def test_fmt_says_it_skips_a_named_stray_file(catalog: Path) -> None:
    shutil.copy(RECORD, catalog / "DB41-T-9998-2024.yaml")
    result = runner.invoke(app, ["fmt", "--check", str(catalog / "DB41-T-9998-2024.yaml"), "--lang", "en"])
    assert result.exit_code == 0  # pre-commit passes every changed YAML file: not an error for fmt
    assert "skipped" in result.stderr and "Y011" in result.stderr

"""The bundled catalog passes, its schemas are current, and planted defects are found at the right lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "standards"
runner = CliRunner()


def test_sample_catalog_lints_clean() -> None:
    result = runner.invoke(app, ["lint", str(SAMPLE), "--as-of", "2026-11-23", "--format", "json"])
    findings = json.loads(result.stdout)
    assert result.exit_code == 0, findings
    assert not [f for f in findings if f["severity"] == "error"]


def test_sample_catalog_is_real_sized() -> None:
    records = list((SAMPLE / "records").rglob("*.yaml"))
    assert len(records) >= 30


def test_committed_schemas_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["schema", "--check"])
    assert result.exit_code == 0, result.stdout


def test_schema_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["schema", "-o", str(tmp_path)]).exit_code == 0
    schema = tmp_path / "standard.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace("标准号", "编号"), encoding="utf-8")
    result = runner.invoke(app, ["schema", "--check", "-o", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1 and f"stale: {schema}" in result.stdout
    schema.unlink()  # a file not there is missing, not stale
    result = runner.invoke(app, ["schema", "--check", "-o", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1 and f"missing: {schema}" in result.stdout


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """A copy of the sample catalog with one defect of each kind planted in it."""
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    records = root / "records"
    # 1. swapped dates (published after effective) in a real record
    path = records / "local" / "DB4103-T-152-2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("published: 2023-11-17", "published: 2023-12-27"), encoding="utf-8")
    # 2. a broken code
    (records / "local" / "DB99-T-1-2021.yaml").write_text(
        "code: DB99/T 1-2021\ntitle: 公务用车服务规范\nstatus: 现行\nmodule: '202'\n", encoding="utf-8"
    )
    # 3. a YAML syntax error on line 3
    (records / "local" / "DB41-T-9001-2024.yaml").write_text(
        "code: DB41/T 9001-2024\ntitle: 会议服务规范\nstatus: [现行\nmodule: '303'\n", encoding="utf-8"
    )
    # 4. a file saved as GBK
    (records / "local" / "DB41-T-9002-2024.yaml").write_bytes(
        "code: DB41/T 9002-2024\ntitle: 机关食堂服务规范\nstatus: 现行\n".encode("gbk")
    )
    # 5. an unknown field (typo) on line 4 and an impossible date on line 5
    (records / "local" / "DB41-T-9003-2024.yaml").write_text(
        "code: DB41/T 9003-2024\ntitle: 办公用房维修规范\nstatus: 现行\nefective: 2024-03-01\n"
        "published: 2024-02-30\nmodule: '201'\n",
        encoding="utf-8",
    )
    return root


def test_planted_defects_found_at_their_lines(planted: Path) -> None:
    result = runner.invoke(app, ["lint", str(planted), "--as-of", "2026-11-23", "--format", "json", "--lang", "en"])
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    found = {(f["rule"], f["path"], f["line"]) for f in json.loads(result.stdout) if f["severity"] == "error"}
    assert found == {
        ("C006", "records/local/DB4103-T-152-2023.yaml", 5),
        ("C002", "records/local/DB99-T-1-2021.yaml", 1),
        ("Y001", "records/local/DB41-T-9001-2024.yaml", 4),
        ("Y005", "records/local/DB41-T-9002-2024.yaml", 2),
        ("C001", "records/local/DB41-T-9003-2024.yaml", 4),
        ("C001", "records/local/DB41-T-9003-2024.yaml", 5),
    }
    text = runner.invoke(app, ["lint", str(planted), "--as-of", "2026-11-23"]).stdout
    assert "GBK" in text and "iconv" in text

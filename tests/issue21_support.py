"""Helpers shared by the issue 21 tests: run the CLI, copy the sample catalog, compare catalogs byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from gbstd.cli.app import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "standards"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the catalog, byte for byte."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}

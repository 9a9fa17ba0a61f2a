"""The similarity stack (numpy, rapidfuzz, jieba, scikit-learn) is the D rules' alone: a lint run without them
must not import it (a tenth of a second of every start), and one with them still finds duplicates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "standards"

RUN = """
import sys
from gbstd.cli.app import run
sys.argv = ["gbstd", "lint", sys.argv[1], "--format", "json", "--as-of", "2025-06-30", *sys.argv[2:]]
try:
    run()
except SystemExit:
    pass
heavy = sorted(m for m in ("numpy", "rapidfuzz", "jieba", "sklearn", "gbstd.similarity") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def _lint(root: Path, *args: str) -> tuple[list[dict[str, object]], str]:
    done = subprocess.run([sys.executable, "-c", RUN, str(root), "--jobs", "1", *args],
                          capture_output=True, text=True, timeout=300, check=False)
    heavy = next(line for line in done.stderr.splitlines() if line.startswith("HEAVY="))
    return json.loads(done.stdout), heavy.removeprefix("HEAVY=")


def test_lint_without_the_d_rules_imports_no_similarity_stack(tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    findings, heavy = _lint(root, "--ignore", "D")
    assert findings and heavy == ""
    with_d, heavy = _lint(root, "--no-cache")
    assert "gbstd.similarity" in heavy.split(",")  # --jobs 1: the D rules ran in this process
    assert any(str(f["rule"]).startswith("D") for f in with_d)


def test_an_edited_catalog_without_exclusions_lints_without_pathspec_or_pydantic_plugins(tmp_path: Path) -> None:
    # pathspec compiles [catalog] exclude: a catalog without one never needs it, and an incremental run lists the
    # strays every time. Pydantic's plugin search reads every installed distribution's entry points.
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    _lint(root, "--ignore", "D")  # the cache filled: the probe runs incrementally
    record = next((root / "records").rglob("*.yaml"))
    record.write_text(record.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 修订", 1), encoding="utf-8")
    probe = RUN.replace('"sklearn", "gbstd.similarity"', '"sklearn", "gbstd.similarity", "pathspec"') + (
        "import os\nprint('PLUGINS=' + os.environ.get('PYDANTIC_DISABLE_PLUGINS', '-'), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, str(root), "--jobs", "1", "--ignore", "D"],
                          capture_output=True, text=True, timeout=300, check=False)
    lines = done.stderr.splitlines()
    assert "HEAVY=" in lines and "PLUGINS=__all__" in lines
    assert json.loads(done.stdout) == _lint(root, "--no-cache", "--ignore", "D")[0]  # incremental, and right
    (root / "gbstd.toml").write_text((root / "gbstd.toml").read_text(encoding="utf-8").replace(
        "[catalog]\n", "[catalog]\nexclude = [\"drafts/\"]\n", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", probe, str(root), "--jobs", "1", "--ignore", "D"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "false"})
    lines = done.stderr.splitlines()
    assert "HEAVY=pathspec" in lines and "PLUGINS=false" in lines  # a user's own setting is kept

"""The benchmark's catalog generator: deterministic, realistic enough to lint clean except where it plants."""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from generate import AS_OF, PLANTED, generate_catalog

from gbstd.cli.app import app


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_catalog_and_lint_finds_exactly_the_planted_problems(tmp_path: Path) -> None:
    first = generate_catalog(tmp_path / "a", 700, seed=7)
    generate_catalog(tmp_path / "b", 700, seed=7)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert first.records >= 700 and {kind for kind, _, _ in first.planted} == set(PLANTED)
    assert set(first.by_tier) == {"national", "industry", "group", "local", "internal"}
    result = CliRunner().invoke(
        app, ["lint", str(tmp_path / "a"), "--as-of", AS_OF.isoformat(), "--format", "json", "--no-cache"]
    )
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    planted = first.expected_rules() + Counter({"C008": 1})  # a duplicated code is reported on both files
    found = Counter(f["rule"] for f in findings if not f["rule"].startswith("D"))
    assert found == planted
    # Titles are combinations of subject words, so look-alikes across regions and tiers are inherent: the
    # duplicate rules (D) report them, never at error level.
    assert all(f["severity"] != "error" for f in findings if f["rule"].startswith("D"))


def test_sibling_mode_is_deterministic_short_and_overlapping(tmp_path: Path) -> None:
    from generate import SIBLING_ASPECTS, SIBLING_KINDS, SIBLING_SUBJECTS, generate_sibling_catalog

    assert (len(SIBLING_SUBJECTS), len(SIBLING_ASPECTS), len(SIBLING_KINDS)) == (24, 20, 8)
    first = generate_sibling_catalog(tmp_path / "a", 2000, seed=5)
    generate_sibling_catalog(tmp_path / "b", 2000, seed=5)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b") and first.records == 2000
    assert set(first.by_tier) == {"national", "local"} and first.bytes_written < 2000 * 300  # short records
    files = list((tmp_path / "a" / "records").rglob("*.yaml"))
    assert len(files) == 2000
    titles = Counter(line.split(": ", 1)[1] for f in files for line in f.read_text(encoding="utf-8").splitlines()
                     if line.startswith("title: "))
    assert max(titles.values()) >= 3 and len(titles) < 2000  # one title in region after region
    provinces = {f.parent.name for f in files if f.parent.parent.name == "local"}
    assert len(provinces) == 31

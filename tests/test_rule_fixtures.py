"""Every rule's pass and fail cases, as small catalogs written in tests/fixtures/rules/<CODE>.yaml.

Each case lists files (path → text; or a mapping with `text` and `encoding`/`bom`/`raw`) and the findings
expected from that rule alone, as `path:line` strings. Adding a rule = a module + a fixture file here.
A case with `before` (files in the same form) is run in a git repository: `before` is committed, `files` is
the working tree, and the rules compare the two as with `lint --changed-since HEAD` (the G rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import git
import pytest
from ruamel.yaml import YAML

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.federation import load_union
from gbstd.engine import Selection, run_rules
from gbstd.gitrepo import build_baseline
from gbstd.rules import ALL_RULES
from tests.conftest import DEFAULT_CONFIG, write_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        spec = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return params


def _content(value: Any) -> str | bytes:
    if isinstance(value, str):
        return value
    if "raw" in value:
        return bytes.fromhex(value["raw"])
    data: bytes = value["text"].encode(value.get("encoding", "utf-8"))
    return b"\xef\xbb\xbf" + data if value.get("bom") else data


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(tmp_path: Path, rule: str, case: dict[str, Any]) -> None:
    files = {rel: _content(value) for rel, value in case["files"].items()}
    config = case.get("config", DEFAULT_CONFIG)
    if "before" in case:
        _committed(tmp_path / "cat", {rel: _content(value) for rel, value in case["before"].items()}, config)
    root = write_catalog(tmp_path / "cat", files, config)
    catalog = load_union(root)  # a federation's union (S010's cases); any other catalog as load_catalog reads it
    baseline: Baseline | None = build_baseline(catalog, "HEAD") if "before" in case else None
    as_of = case.get("as_of", dt.date(2026, 11, 23))
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    result = run_rules(catalog, as_of, Selection(select=[rule]), baseline=baseline)
    assert not result.internal_errors
    found = sorted(f"{f.path}:{f.line}" for f in result.findings)
    assert found == sorted(case.get("expect", [])), [f.message.en for f in result.findings]
    for finding in result.findings:
        assert finding.rule == rule and finding.message.zh and finding.message.en


def _committed(root: Path, files: dict[str, str | bytes], config: str) -> None:
    """Commit ``files`` as the base revision in a new repository at ``root``, then empty the work tree."""
    write_catalog(root, files, config)
    repo = git.Repo.init(root)
    with repo.config_writer() as settings:
        settings.set_value("user", "name", "Tester")
        settings.set_value("user", "email", "tester@example.org")
        settings.set_value("commit", "gpgsign", "false")
    repo.git.add("-A")
    repo.git.commit("-m", "base")
    for rel in files:
        (root / rel).unlink()


def test_every_rule_has_a_passing_and_a_failing_fixture() -> None:
    covered: dict[str, set[bool]] = {}
    for param in _cases():
        rule, case = param.values
        covered.setdefault(rule, set()).add(bool(case.get("expect")))
    missing = [r.code for r in ALL_RULES if covered.get(r.code) != {True, False}]
    assert not missing, f"rules without both a passing and a failing fixture: {missing}"

"""A federation's union keeps its record-local rules' findings by record file between lint runs
(:mod:`gbstd.kept_local`): after an edit those rules check only the edited records, and every report equals a
run without the cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gbstd import engine
from gbstd.catalog.catalog import Record
from gbstd.cli.app import app
from gbstd.rules import ALL_RULES
from gbstd.rules.base import RecordRule
from tests.federation_support import DIRS, HENAN, split_sample

runner = CliRunner()
AS_OF = "2026-11-23"
KEPT = Path(".gbstd-cache") / "union" / "lint" / "local-findings"
LOCAL = {rule.code for rule in ALL_RULES if issubclass(rule, RecordRule) and rule.local}


def lint(root: Path, *extra: str, as_of: str = AS_OF, failed: bool = False) -> tuple[int, list[dict[str, Any]]]:
    """The exit code and findings of ``gbstd lint``; ``failed``: a rule fails (exit 2, said on stderr)."""
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--as-of", as_of, "--lang", "en", *extra])
    assert result.exit_code in ((2,) if failed else (0, 1)), result.output
    assert ("internal error in rule" in result.stderr) is failed
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Per local rule, the record files the last runs checked it on (a whole-catalog run: every record)."""
    found: dict[str, list[str]] = {}
    real = engine.check

    def spy(rule: Any, ctx: Any, errors: Any, records: list[Record] | None = None, defer: bool = False) -> Any:
        if isinstance(rule, RecordRule) and rule.local:
            chosen = ctx.catalog.records if records is None else records
            found.setdefault(rule.code, []).extend(record.rel for record in chosen)
        return real(rule, ctx, errors, records, defer)

    monkeypatch.setattr(engine, "check", spy)
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_checks_the_edited_record_alone_with_the_local_rules(
    tmp_path: Path, checked: dict[str, list[str]]
) -> None:
    root = split_sample(tmp_path)
    first = lint(root)
    assert checked["C002"] and len(set(checked["C002"])) > 40  # the first run: every record
    assert any((root / KEPT).glob("*.json"))
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    # an edit the local rules see: the review period's end moves into the past (R001 and its kin), and back
    for old, new in (("title: 机关食堂反食品浪费管理规范", "title: 机关食堂反食品浪费管理规范（修订）"),
                     ("effective: 2023-07-27", "effective: 2016-07-27")):
        edit(henan, old, new)
        checked.clear()
        edited = lint(root)
        assert len(checked) == len(LOCAL)  # every local rule ran, on the edited record alone
        assert {code: set(rels) for code, rels in checked.items()} == {
            code: {f"{HENAN}/records/local/DB41-T-2397-2023.yaml"} for code in LOCAL
        }
        assert edited == lint(root, "--no-cache")
    assert edited != first


def test_what_every_record_shares_changes_checks_every_record(
    tmp_path: Path, checked: dict[str, list[str]]
) -> None:
    """The day, a system and a member's configuration are read by local rules (R001's review due, C016's
    modules, C002's internal code pattern): a change to any of them checks every record again."""
    root = split_sample(tmp_path)
    before = lint(root)
    every = len(set(checked["C016"]))
    changes = {
        "federating system": (root / "system.yaml", 'id: "302"', 'id: "399"'),
        "member configuration": (tmp_path / DIRS[HENAN] / "gbstd.toml", "'^HNJGSW \\d+-\\d{4}$'", "'^HNJGSW-X$'"),
    }
    for change in (*changes, "day"):  # each run after one of the same day: only its own change differs
        checked.clear()
        if change == "day":
            found = lint(root, as_of="2027-09-01")
            assert found == lint(root, "--no-cache", as_of="2027-09-01")
        else:
            edit(*changes[change])
            found = lint(root)
            assert found == lint(root, "--no-cache")
        assert found != before, change  # the change shows in the findings
        assert len(set(checked["C016"])) >= every, change
        before = found


def test_damaged_kept_findings_are_checked_again(tmp_path: Path, checked: dict[str, list[str]]) -> None:
    root = split_sample(tmp_path)
    lint(root)
    shard = next((root / KEPT).glob("*.json"))
    document = json.loads(shard.read_text(encoding="utf-8"))
    rel, entry = next(iter(document["entries"].items()))
    entry[1] = [["C002", "x", "x", "", [], False, 0, 0, "no such severity"]]
    shard.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    edit(henan, "title: 机关食堂反食品浪费管理规范", "title: 机关食堂反食品浪费管理规范（修订）")
    checked.clear()
    assert lint(root) == lint(root, "--no-cache")
    assert rel in checked["C002"]


def test_a_local_rule_that_fails_fails_as_in_a_full_run(
    tmp_path: Path, checked: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.rules.c005_code_year import CodeYear

    root = split_sample(tmp_path)
    lint(root)
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    edit(henan, "title: 机关食堂反食品浪费管理规范", "title: 会失败的规范")
    real = CodeYear.check_record

    def failing(self: CodeYear, record: Record, ctx: Any) -> Any:
        if record.title == "会失败的规范":
            raise RuntimeError("a rule's own fault")
        return real(self, record, ctx)

    monkeypatch.setattr(CodeYear, "check_record", failing)
    code, cached = lint(root, failed=True)
    assert lint(root, "--no-cache", failed=True) == (code, cached)
    assert not any(f["rule"] == "C005" for f in cached)
    # fixed: the next run checks that record again, and the others' kept findings are used again
    monkeypatch.setattr(CodeYear, "check_record", real)
    assert lint(root) == lint(root, "--no-cache")

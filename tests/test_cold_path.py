"""The cold path of ``gbstd lint``: what it does to go faster must not change what it reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.catalog.yamlio import lazy_locator, parse_yaml_positions
from gbstd.cli.app import app
from gbstd.rules import RuleContext
from gbstd.rules.s003_linkage_undeclared import LinkageUndeclared

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
AS_OF = "2025-06-30"
runner = CliRunner()


def _lint(root: Path, *extra: str) -> tuple[int, bytes]:
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout_bytes


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_a_forked_cold_run_prints_what_one_process_prints(tmp_path: Path, monkeypatch: Any, output_format: str) -> None:
    """With the D rules in a child, the other rules' findings are positioned and sorted while it runs and
    its own merged in after: the same bytes as a run in one process, D findings included."""
    import os

    import gbstd.engine as engine

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    alone, forked = tmp_path / "alone", tmp_path / "forked"
    shutil.copytree(SAMPLE, alone, ignore=shutil.ignore_patterns(".gbstd-cache"))
    shutil.copytree(SAMPLE, forked, ignore=shutil.ignore_patterns(".gbstd-cache"))
    expected = _lint(alone, "--format", output_format, "--jobs", "1")
    assert b"D00" in expected[1]
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    started: list[bool] = []
    original = engine.RuleRunner._start
    monkeypatch.setattr(engine.RuleRunner, "_start", lambda self, rules: (started.append(True), original(self, rules)))
    assert _lint(forked, "--format", output_format, "--jobs", "2") == expected
    assert started
    assert _lint(forked, "--format", output_format, "--jobs", "2") == expected  # and warm, from the cache


def test_lint_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "c", ignore=shutil.ignore_patterns(".gbstd-cache"))
    assert gc.isenabled()
    _lint(tmp_path / "c", "--format", "json")
    assert gc.isenabled()
    gc.disable()
    try:
        _lint(tmp_path / "c", "--format", "json")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_s003_gives_the_same_messages_for_the_catalog_as_record_by_record() -> None:
    """S003 memoises each upper standard's part of its message over a run: the findings are those of
    checking each record alone."""
    catalog = load_catalog(SAMPLE)
    ctx = RuleContext(catalog, dt.date.fromisoformat(AS_OF))
    rule = LinkageUndeclared()
    whole = [(f.path, f.message.zh, f.message.en) for f in rule.check(ctx)]
    alone = [(f.path, f.message.zh, f.message.en) for r in catalog.records for f in rule.check_record(r, ctx)]
    assert whole == alone
    assert whole  # the sample catalog has undeclared linkage


def test_a_record_edited_by_replace_has_its_own_key_and_title() -> None:
    """Records remember key, tier, region, status and title; a replaced record works them out anew."""
    catalog = load_catalog(SAMPLE)
    record = next(r for r in catalog.records if r.code is not None)
    assert record.key and record.title  # remembered now
    edited = dataclasses.replace(record, standard=record.standard.model_copy(update={"title": "另一个标题"}), code=None)
    assert edited.title == "另一个标题"
    assert edited.key == record.standard.code
    assert record.title != "另一个标题"


def test_the_lazy_locator_finds_the_file_only_when_kept_positions_do_not_answer(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    text = "title: 标题\nreferences:\n  - GB/T 1-2020\n  - GB/T 2-2020\n"
    path.write_text(text, encoding="utf-8")
    _, _, positions = parse_yaml_positions(text)
    asked: list[str] = []

    def where() -> tuple[Path, Path]:
        asked.append("a.yaml")
        return path, tmp_path

    locator = lazy_locator(where, 1 << 20, positions)
    assert locator.position(("title",)) == (1, 1)
    assert asked == []  # answered from the kept positions
    assert locator.position(("references", 1), key=False) == (4, 5)
    assert asked == ["a.yaml"]  # a deeper path: the file is read

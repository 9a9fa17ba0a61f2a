"""The fast paths of cold lint (issue 15) give exactly what the plain ones give."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbstd.findings import Finding, FindingSet, Severity
from gbstd.i18n import Text
from gbstd.reporters.base import ReportInput
from gbstd.reporters.json_reporter import render_json
from gbstd.reporters.text import render_text

SAMPLE = Path(__file__).resolve().parent.parent / "standards"

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", '"', "\\", "\n\t\x00\x1f\x7f", "标准 “引号”", "\u2028\u2029", "😀", "</script>"]
)
_FINDING = st.builds(
    Finding,
    rule=st.sampled_from(["C001", "D003", "Y001"]),
    message=st.builds(Text, _TEXT, _TEXT),
    path=_TEXT,
    record=st.none() | _TEXT,
    line=st.integers(0, 10**6),
    column=st.integers(0, 10**6),
    severity=st.sampled_from(list(Severity)),
)


@given(st.lists(_FINDING, max_size=4), st.sampled_from(["zh", "en"]))
def test_json_report_is_the_standard_librarys_layout(findings: list[Finding], lang: str) -> None:
    """Hand-laid-out JSON is byte for byte json.dumps(indent=2) and parses back to the same rows."""
    text = render_json(ReportInput(FindingSet(findings), lang))  # type: ignore[arg-type]
    rows = [f.to_json(lang) for f in findings]  # type: ignore[arg-type]
    assert text == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(text) == rows


def _rich_text(report: ReportInput) -> str:
    """The text report as rich renders it line by line (the reference for the fast path)."""
    from io import StringIO

    from rich.console import Console
    from rich.markup import escape

    from gbstd.printable import printable
    from gbstd.reporters.text import _STYLE, summary_line

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=report.color, no_color=not report.color, highlight=False,
                      emoji=False, width=10_000, soft_wrap=True)
    current = None
    for finding in report.result.findings:
        if finding.path != current:
            if current is not None:
                console.print()
            console.print(f"[bold underline]{escape(printable(finding.path))}[/]")
            current = finding.path
        console.print(
            f"  {escape(printable(finding.path))}:{finding.line}:{finding.column}: "
            f"[{_STYLE[finding.severity]}]{finding.severity.label.get(report.lang)}[/] [bold]{finding.rule}[/] "
            f"{escape(printable(finding.message.get(report.lang)).replace(chr(10), chr(32)))}"  # one line a finding
        )
    if report.result.findings:
        console.print()
    console.print(summary_line(report).get(report.lang), style="bold" if report.color else None)
    return buffer.getvalue()


_PATHS = st.sampled_from(["records/a.yaml", "records/b [x].yaml", "r\\[c].yaml", "records/:smile:.yaml"]) | _TEXT


@given(
    st.lists(st.builds(Finding, rule=st.sampled_from(["C001", "D003"]), message=st.builds(Text, _TEXT, _TEXT),
                       path=_PATHS, line=st.integers(0, 2000), column=st.integers(0, 99),
                       severity=st.sampled_from(list(Severity))), max_size=5),
    st.sampled_from(["zh", "en"]),
    st.booleans(),
)
def test_text_report_is_richs_layout(findings: list[Finding], lang: str, color: bool) -> None:
    """Lines written directly are what rich writes, with and without colour, for any path and message."""
    findings.sort(key=lambda f: f.path)
    report = ReportInput(FindingSet(findings), lang, 3, color)  # type: ignore[arg-type]
    assert render_text(report) == _rich_text(report)


def test_text_report_keeps_line_numbers_that_look_like_emoji_codes() -> None:
    """``:100:`` and ``:1234:`` are rich emoji codes; a position must never print as 💯 or 🔢."""
    finding = Finding("C001", Text("见 :smile: 处", "see :smile:"), "records/a.yaml", line=100, column=1234)
    text = render_text(ReportInput(FindingSet([finding, Finding("C002", Text("x", "x"), "b.yaml", line=1234)])))
    assert "records/a.yaml:100:1234: 错误 C001 见 :smile: 处" in text
    assert "b.yaml:1234:0:" in text


_KEYS = st.sampled_from(["code", "title", '"title"', "status", "1", "'1'", "~", "reviews", "a b", "标题"])
_VALUES = st.sampled_from(
    ["x", "", "'q'", "[a, b]", "{a: 1}", "\n  - 1\n  - 2", "\n  date: 2020-01-01\n  by: x", "|\n  text", "null"]
)
_DOCUMENTS = st.lists(st.tuples(_KEYS, _VALUES, st.sampled_from(["", "  ", "\n# note\n"])), max_size=6).map(
    lambda entries: "".join(f"{pad}{key}: {value}\n" for key, value, pad in entries)
) | st.sampled_from(["- a\n- b\n", "x\n", "", "code: &a 1\nb: *a\n", "a: 1\na: 2\n", "? [a]\n: b\n", "--- \n{a: 1, b: [2]}\n"])
_LOCS = st.lists(st.sampled_from(["code", "title", "status", "1", "reviews", "date", "a b", "标题", "", 0, 1, -1]),
                 max_size=3).map(tuple)


@given(_DOCUMENTS, st.lists(st.tuples(_LOCS, st.booleans()), max_size=6))
def test_positions_kept_from_the_parse_are_the_locators(text: str, locs: list[tuple[tuple, bool]]) -> None:
    """Top-level positions kept from the fast parse answer exactly what parsing the text again answers."""
    from gbstd.catalog.yamlio import Locator, parse_yaml_positions

    data, problems, positions = parse_yaml_positions(text)
    reference = Locator(text)
    kept = Locator(positions=positions, read=lambda: text)
    for loc, key in locs:
        assert kept.position(loc, key) == reference.position(loc, key), (loc, key)
        if positions is not None and len(loc) <= 1:
            assert positions.position(loc, key) is not None  # answered without parsing again
    if isinstance(data, dict) and not problems:
        assert positions is not None or "&a" in text or "{" in text or "---" in text or "?" in text or "a: 2" in text


def _run(jobs: int, monkeypatch: Any, child: Any = None) -> tuple[list[dict[str, object]], list[str]]:
    import datetime as dt
    import os

    import gbstd.engine as engine
    from gbstd.catalog.loader import load_catalog

    if jobs != 1 and len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    if child is not None:
        monkeypatch.setattr(engine, "_check_in_child", child)
    started: list[bool] = []
    original = engine.RuleRunner._start
    monkeypatch.setattr(engine.RuleRunner, "_start", lambda self, rules: (started.append(True), original(self, rules)))
    result = engine.run_rules(load_catalog(SAMPLE), dt.date(2025, 6, 30), engine.Selection(), jobs=jobs)
    assert bool(started) == (jobs != 1)
    return [f.to_json() for f in result.findings], [code for code, _ in result.internal_errors]


def test_rules_in_a_forked_child_give_the_same_findings(monkeypatch: Any) -> None:
    """The D rules run in a child on the other core; findings and their order are those of one process."""
    alone = _run(1, monkeypatch)
    assert any(row["rule"] == "D003" for row in alone[0])
    assert _run(2, monkeypatch) == alone


def test_the_runner_tells_whether_the_childs_results_are_in(monkeypatch: Any) -> None:
    """``waiting`` is true while the child computes and false once its results can be read (or it died);
    the results are then the ones this process would find."""
    import datetime as dt
    import os
    import resource
    import time

    import gbstd.engine as engine
    from gbstd.catalog.loader import load_catalog
    from gbstd.rules import RuleContext

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    child = engine._check_in_child
    monkeypatch.setattr(engine, "_check_in_child", lambda *args: (time.sleep(1.5), child(*args)))
    rules = [rule for rule in engine.selected_rules(engine.Selection()) if rule.code.startswith("D")]
    catalog = load_catalog(SAMPLE)
    runner = engine.RuleRunner(RuleContext(catalog, dt.date(2025, 6, 30)), rules, [], 2)
    assert runner.forked(rules[0]) and runner.waiting()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 2000:  # a descriptor above what select.select takes
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2001), hard))
        pid, read_end = runner._child  # type: ignore[misc]
        runner._child = (pid, os.dup2(read_end, 1500))
        os.close(read_end)
        assert runner.waiting()
    deadline = time.monotonic() + 60
    while runner.waiting() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not runner.waiting()
    here = engine.RuleRunner(RuleContext(catalog, dt.date(2025, 6, 30)), rules, [], 1)
    assert not here.waiting()  # no child: nothing to wait for
    for rule in rules:
        assert [f.to_json() for f in runner.check(rule) or []] == [f.to_json() for f in here.check(rule) or []]
    assert not runner.waiting()

    monkeypatch.setattr(engine, "_check_in_child", lambda out, ctx, rules: os._exit(9))
    dead = engine.RuleRunner(RuleContext(catalog, dt.date(2025, 6, 30)), rules, [], 2)
    while dead.waiting() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not dead.waiting()  # it died: asking for its findings does not wait (they are made here)
    dead.abandon()  # its pipe is closed now, not by an exit hook after other tests have reused the number


def test_a_child_that_dies_leaves_its_rules_to_the_parent(monkeypatch: Any) -> None:
    """Killed or out of memory: the parent runs the rules itself and the result is unchanged."""
    import os

    alone = _run(1, monkeypatch)
    assert _run(2, monkeypatch, child=lambda out, ctx, rules: os._exit(9)) == alone


def test_a_run_that_fails_before_the_childs_results_does_not_wait_for_it(tmp_path: Path) -> None:
    """An error after the fork: the process exits at once and the child is stopped, not joined forever."""
    import os
    import subprocess
    import sys
    import time

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    script = f"""
import datetime as dt, time
import gbstd.engine as engine
from gbstd.catalog.loader import load_catalog
from gbstd.rules import RuleContext
engine.FORK_THRESHOLD = 0
engine._check_in_child = lambda out, ctx, rules: time.sleep(600)
catalog = load_catalog(__import__("pathlib").Path({str(SAMPLE)!r}))
runner = engine.RuleRunner(RuleContext(catalog, dt.date(2025, 6, 30)), engine.selected_rules(engine.Selection()), [], 2)
assert runner._child is not None
raise SystemExit(3)
"""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True, text=True)
    assert done.returncode == 3, done.stderr
    assert time.monotonic() - start < 60


def test_the_child_starts_beside_a_progress_bar(monkeypatch: Any) -> None:
    """A daemon thread (a progress bar refreshing) does not keep the rules from forking; the findings
    are the same. A thread that is not a daemon does (a fork copies locks it may hold)."""
    import threading

    stop = threading.Event()
    bar = threading.Thread(target=stop.wait, daemon=True)
    bar.start()
    try:
        alone = _run(1, monkeypatch)
        assert _run(2, monkeypatch) == alone  # _run checks that the child started
    finally:
        stop.set()
        bar.join()
    worker = threading.Thread(target=stop.wait)
    stop.clear()
    worker.start()
    try:
        with pytest.raises(AssertionError):
            _run(2, monkeypatch)  # no child this time
    finally:
        stop.set()
        worker.join()

"""Issue 16: every command works on a GBK (cp936) console — a Chinese Windows console or output redirected on one.

Each command runs on a copy of the sample catalog twice: in-process with UTF-8 capture (the exit code it should
have), and through the real entry point in a process whose stdout/stderr are GBK (``PYTHONIOENCODING=gbk``).
One child process runs all commands in turn so the test stays fast; each command's exit code and any
exception are reported back as JSON.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.cli.console import COUNTED_HANDLER, ERROR_HANDLER, stand_in

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "standards"
AS = ["--as-of", "2026-11-23"]

DRIVER = textwrap.dedent(
    """
    import json, sys, traceback
    from gbstd.cli.app import run

    commands, results_path = json.loads(sys.argv[1]), sys.argv[2]
    results = []
    for argv in commands:
        sys.argv = ["gbstd", *argv]
        print(f"=== {' '.join(argv)}", flush=True)
        try:
            run()
            code, crash = 0, None
        except SystemExit as exc:
            code, crash = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1), None
        except BaseException:
            code, crash = 1, traceback.format_exc()
        sys.stdout.flush()
        results.append({"argv": argv, "code": code, "crash": crash})
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False)
    """
)


def _commands(root: Path, work: Path) -> list[list[str]]:
    c = str(root)
    return [
        ["--help"], ["--version"], ["lint", c, *AS], ["lint", c, "-f", "json", *AS], ["rules"], ["rule", "C001"],
        ["rule", "--help"], ["schema", "-o", str(work / "schemas")],
        ["dupes", c], ["dupes", c, "-f", "markdown"], ["dupes", c, "-f", "csv"], ["dupes", c, "-f", "json"],
        ["system", c, *AS], ["system", c, "--format", "markdown", *AS], ["pipeline", c, *AS],
        ["pipeline", c, "--format", "markdown", *AS], ["init", str(work / "fresh")],
        ["new", "GB/T 9-2020", "-t", "机关事务 测试↔", "--into", c, *AS], ["new", "不是标准号", "-t", "x", "--into", c],
        ["fmt", c, "--check"], ["history", "GB/T 41568-2022", c], ["report", "catalog", c],
        ["report", "catalog", c, "-f", "csv"], ["report", "catalog", c, "-o", str(work / "t.xlsx")],
        ["import", str(work / "t.xlsx"), "--into", str(work / "fresh"), *AS],
        ["report", "bulletin", c, "-p", "2023H2", "-o", str(work / "b.md")], ["report", "site", c, "-o", str(work / "site"), *AS],
        ["plan", "status", c, *AS], ["plan", "status", c, "-f", "markdown", *AS], ["plan", "status", c, "-f", "json", *AS],
        ["review", "-C", c, *AS], ["review", "-C", c, "-f", "markdown", *AS], ["review", "-C", c, "-f", "csv", *AS],
        ["review", "add", "GB/T 41568-2022", "-C", c, "--date", "2026-11-01", "--conclusion", "继续有效", "--by", "国管局", *AS],
        ["lint", str(work / "missing"), "--lang", "en"],
    ]  # fmt: skip


def _catalog(path: Path) -> Path:
    shutil.copytree(SAMPLE, path, ignore=shutil.ignore_patterns(".gbstd-cache"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    subprocess.run([*git, "-C", str(path), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(path), "commit", "-qm", "sample"], check=True)
    return path


def test_stand_ins_are_ascii() -> None:
    assert [stand_in(c) for c in "↔╸╺░█⚠━┃╋"] == ["<->", "-", "-", ".", "#", "!", "-", "|", "+"]
    assert "进度 ░░ ↔ ╸".encode("gbk", ERROR_HANDLER).decode("gbk") == "进度 .. <-> -"


def test_every_command_on_a_gbk_console(tmp_path: Path) -> None:
    expected_root, gbk_root = _catalog(tmp_path / "a" / "standards"), _catalog(tmp_path / "b" / "standards")
    (tmp_path / "a" / "work").mkdir()
    (tmp_path / "b" / "work").mkdir()
    runner = CliRunner()
    expected = []
    for argv in _commands(expected_root, tmp_path / "a" / "work"):
        result = runner.invoke(app, argv)
        assert not isinstance(result.exception, UnicodeError), argv
        expected.append(result.exit_code)
    results_file = tmp_path / "results.json"
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "COLUMNS": "100"}
    commands = _commands(gbk_root, tmp_path / "b" / "work")
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(commands), str(results_file)],
        env=env, capture_output=True, timeout=600, check=False,
    )  # fmt: skip
    # (report catalog -f csv writes its UTF-8 file format to stdout as bytes, so stdout is not all GBK.)
    stdout, stderr = done.stdout.decode("gbk", "replace"), done.stderr.decode("gbk")
    assert done.returncode == 0, stderr[-2000:]
    results = json.loads(results_file.read_text(encoding="utf-8"))
    crashes = [(r["argv"], r["crash"]) for r in results if r["crash"]]
    assert not crashes
    assert [r["code"] for r in results] == expected, [r["argv"] for r, e in zip(results, expected, strict=True)
                                                      if r["code"] != e]  # fmt: skip
    assert "Traceback" not in stdout + stderr
    # What GBK cannot carry came out as ASCII stand-ins: the dupes arrow, the progress bars' half blocks.
    dupes = stdout.split("=== dupes")[1]
    assert "<->" in dupes and "↔" not in stdout
    # Chinese text itself is carried, not replaced.
    assert "机关事务" in stdout


def test_streams_are_made_safe_only_where_they_would_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.cli.console import make_streams_safe

    strict = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="strict")
    chosen = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdout", strict)
    monkeypatch.setattr(sys, "stderr", chosen)
    make_streams_safe()
    # GBK standard output that is no terminal (a file): stand-ins, the lost ones counted (warn_lost)
    assert (strict.errors, chosen.errors) == (COUNTED_HANDLER, "surrogateescape")
    strict.write("↔ 机关")
    strict.flush()
    assert strict.buffer.getvalue().decode("gbk") == "<-> 机关"


class _GbkTerminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_progress_bars_and_tables_on_a_gbk_terminal_are_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared stderr console (progress bars, messages) draws with ASCII when the stream is GBK."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    from gbstd.cli.common import stderr

    terminal = _GbkTerminal(io.BytesIO(), encoding="gbk", errors="strict")
    monkeypatch.setattr(sys, "stderr", terminal)
    table = Table("标准号", "标准名称")
    table.add_row("GB/T 41568-2022", "机关事务管理 术语")
    stderr.print(ProgressBar(total=10, completed=5, width=20))
    stderr.print(table)
    terminal.flush()
    shown = terminal.buffer.getvalue().decode("gbk")  # strict: every character was encodable
    assert stderr.options.ascii_only
    assert "机关事务管理 术语" in shown and "----------" in shown
    assert not {"━", "╸", "╺", "┏", "┃"} & set(shown)


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_json_of_every_command_is_utf8_on_any_console(tmp_path: Path, encoding: str) -> None:
    # Only lint's documents were UTF-8: review, system, dupes, plan, pipeline and rules wrote JSON in the
    # console's encoding (GBK bytes; on ASCII, “ as a bare " — invalid JSON).
    catalog = tmp_path / "standards"
    shutil.copytree(SAMPLE, catalog, ignore=shutil.ignore_patterns(".gbstd-cache"))
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    commands = [["review", str(catalog), "-f", "json", *AS], ["system", str(catalog), "-f", "json", *AS],
                ["dupes", str(catalog), "-f", "json"], ["pipeline", str(catalog), "-f", "json", *AS],
                ["plan", "status", "henan-2021", "-C", str(catalog), "-f", "json", *AS], ["rules", "--json"]]
    for argv in commands:
        done = subprocess.run([sys.executable, "-m", "gbstd", *argv], capture_output=True, env=env, check=False)
        assert done.returncode in (0, 1), (argv, done.stderr.decode("utf-8", "replace"))
        text = done.stdout.decode("utf-8")  # strict
        json.loads(text)
        assert any(ord(c) > 0x7F for c in text), argv  # Chinese written as itself, not escaped away


def test_text_a_gbk_file_cannot_hold_is_counted_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    # Standard output redirected to a file on a GBK console (`gbstd report catalog -f md > 目录.md`): a name
    # written with a character beyond GBK became "?" in the file without a word.
    from gbstd.cli.console import make_streams_safe, warn_lost

    redirected = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="strict")  # no terminal
    said = io.StringIO()
    monkeypatch.setattr(sys, "stdout", redirected)
    monkeypatch.setattr(sys, "stderr", said)
    make_streams_safe()
    assert redirected.errors == COUNTED_HANDLER
    redirected.write("𠮷城机关 ↔ 𠀀\n")
    warn_lost()
    assert redirected.buffer.getvalue().decode("gbk") == "?城机关 <-> ?\n"
    assert "输出中有 2 个字符无法用 gbk 编码写出，已写作 ?" in said.getvalue()
    assert "2 characters of the output cannot be written in gbk" in said.getvalue()
    warn_lost()  # said once
    assert said.getvalue().count("输出中有") == 1
    # a terminal shows a stand-in and loses nothing; UTF-8 carries every character: neither is counted
    for stream in (_GbkTerminal(io.BytesIO(), encoding="gbk", errors="strict"),
                   io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")):
        monkeypatch.setattr(sys, "stdout", stream)
        make_streams_safe()
        assert stream.errors == ERROR_HANDLER


def test_a_report_redirected_on_a_gbk_console_says_what_it_lost(tmp_path: Path) -> None:
    catalog = tmp_path / "standards"
    shutil.copytree(SAMPLE, catalog, ignore=shutil.ignore_patterns(".gbstd-cache"))
    record = next((catalog / "records").rglob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    record.write_text(text.replace(title, f"{title}（𠮷城）", 1), encoding="utf-8")
    (record.parent / "𠮷城.yaml").write_text(text, encoding="utf-8")  # findings name this file
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    for argv in (["report", "catalog", str(catalog), "-f", "md"], ["lint", str(catalog), *AS],
                 ["lint", str(catalog), *AS]):  # the second lint has its report stored: counted all the same
        done = subprocess.run([sys.executable, "-m", "gbstd", *argv], capture_output=True, env=env, check=False)
        out, err = done.stdout.decode("gbk"), done.stderr.decode("gbk")
        assert done.returncode in (0, 1) and "Traceback" not in err, err
        assert ("（?城）" if argv[0] == "report" else "?城.yaml") in out
        assert "个字符无法用 gbk 编码写出，已写作 ?" in err, (argv, err)
    json_out = subprocess.run([sys.executable, "-m", "gbstd", "lint", str(catalog), "-f", "json", *AS],
                              capture_output=True, env=env, check=False)
    assert "无法用" not in json_out.stderr.decode("gbk")  # a document is UTF-8: nothing lost

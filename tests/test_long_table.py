"""A long review worklist is laid out a row at a time, as rich lays out a table whose columns fit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from gbstd.cli import review as review_cli
from gbstd.cli.app import app
from gbstd.reporters.long_table import MIN_FOLDED, write_long_table

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
runner = CliRunner()


def worklist_table(*args: str) -> str:
    result = runner.invoke(app, ["review", str(SAMPLE), "--as-of", "2026-11-23", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_long_layout_is_rich_s_for_a_table_that_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    for lang in ("zh", "en"):
        by_rich = worklist_table("--lang", lang)
        monkeypatch.setattr(review_cli, "LONG_TABLE", 0)
        streamed = worklist_table("--lang", lang)
        monkeypatch.undo()
        assert streamed == by_rich
        assert streamed.count("\n") > 40  # every item, the summary line after the table


def test_a_table_wider_than_the_console_folds_its_foldable_columns() -> None:
    out = io.StringIO()
    console = Console(file=out, width=60, highlight=False)
    long_title = "党政机关办公用房维修改造与节能运行管理服务规范第一部分总则" * 2
    rows = [["逾期", "DB41/T 2397-2023", long_title, "地方标准"], ["当前", "GB/T 1-2020", "术语", "国家标准"]]
    write_long_table(console, "复审工作清单", ["状态", "标准号", "标准名称", "层级"], rows, [None, None], foldable=(2, 3))
    lines = out.getvalue().splitlines()
    assert {cell_len(line) for line in lines[1:]} == {60}  # every line of the table exactly the console's width
    body = [line for line in lines if line.startswith("│")]
    folded = "".join(line.split("│")[3].strip() for line in body[:-1])
    assert folded == long_title and len(body) > 3  # the title folded over several lines of its row, whole
    assert "DB41/T 2397-2023" in body[0] and body[-1].split("│")[3].strip() == "术语"
    assert cell_len(body[0].split("│")[3]) - 2 >= MIN_FOLDED


def test_colours_on_a_terminal_and_ascii_boxes_where_the_encoding_has_no_box_characters() -> None:
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system="standard", highlight=False)
    write_long_table(console, "t", ["a"], [["x"], ["y"]], ["red", None])
    text = out.getvalue()
    assert "\x1b[31m x \x1b[0m" in text and "│ y │" in text  # the red row painted, the plain one not
    raw = io.BytesIO()
    gbk = io.TextIOWrapper(raw, encoding="gbk")  # a Chinese Windows console: no box-drawing characters
    write_long_table(Console(file=gbk, width=80, highlight=False), "复审", ["状态"], [["逾期"]], [None])
    text = raw.getvalue().decode("gbk")
    assert "逾期" in text and "━" not in text and "│" not in text and "|" in text


def test_the_duplicate_groups_long_layout_is_rich_s_for_tables_that_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.reporters import dupes as dupes_reporter

    def groups_table(lang: str) -> str:
        result = runner.invoke(app, ["dupes", str(SAMPLE), "--lang", lang])
        assert result.exit_code == 0, result.output
        return result.stdout

    for lang in ("zh", "en"):
        by_rich = groups_table(lang)
        monkeypatch.setattr(dupes_reporter, "LONG_TABLE", 0)
        streamed = groups_table(lang)
        monkeypatch.undo()
        assert streamed == by_rich
        assert streamed.count("┏") >= 5  # every group's table


def test_a_line_break_in_a_cell_is_a_further_line_of_its_row_as_rich_lays_it_out() -> None:
    from rich.table import Table

    headers, rows = ["状态", "标准号", "标准名称"], [["逾期", "DB41/T 1-2020", "公务用车\n服务规范"], ["当前", "GB/T 1-2020", "术语"]]
    by_rich, streamed = io.StringIO(), io.StringIO()
    table = Table(title="复审")
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    Console(file=by_rich, width=80, highlight=False).print(table)
    write_long_table(Console(file=streamed, width=80, highlight=False), "复审", headers, rows, [None, None])
    assert streamed.getvalue() == by_rich.getvalue()
    assert "│      │               │ 服务规范 │" in streamed.getvalue()

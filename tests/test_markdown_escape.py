"""One Markdown escaper for every Markdown gbstd writes: the bulletin template's ``md`` filter and the reports'
tables are :func:`gbstd.tabular.safety.markdown_text`. The bulletin's filter was a second escaper that kept
control characters, let a bare CR split a line, and gave ``<``/``>``/``&`` a backslash (no escape to every
renderer) where the tables wrote entities; neither escaped the block a value opened at the start of a line."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.reports.templating import environment
from gbstd.tabular.safety import markdown_text
from tests.conftest import CatalogFactory, record

runner = CliRunner()
MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")

# (value, as written): where the two escapers differed, then what both left as it was
CASES = [
    ("a\rb", "a<br>b"),  # a bare CR is a line ending: it split a bulletin's table row
    ("a\r\nb", "a<br>b"),  # was "a\r b"
    ("a\nb", "a<br>b"),  # was "a b": the line break lost in Markdown while the DOCX keeps it
    ("x\x1b[2Jy\x07", "x\\[2Jy"),  # control characters: a Markdown file is printed on terminals too
    ("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"),  # was "\\<b\\>\\&\\</b\\>"
    ("> 引用", "&gt; 引用"),
    ("1. 统筹规划", "1\\. 统筹规划"),  # an ordered list
    ("  2) 试点引领", "  2\\) 试点引领"),
    ("# 标题", "\\# 标题"),  # a heading
    ("- 项目", "\\- 项目"),  # a bullet list
    ("+ 项目", "\\+ 项目"),
    ("---", "\\---"),  # a rule, or a setext underline
    ("===", "\\==="),
    ("标准 #", "标准 \\#"),  # a heading's closing #, dropped
    # an indentation to the fourth column opened a code block: its first space or tab written as an entity
    ("    机关食堂", "&#32;   机关食堂"),
    ("\t机关食堂", "&#9;机关食堂"),
    ("  \t机关食堂", "&#32; \t机关食堂"),  # a tab after spaces stops at column 4 too
    ("    # 标题", "&#32;   \\# 标题"),
    # text that opens nothing stays as it is
    ("1.1 范围", "1.1 范围"),
    ("-5℃", "-5℃"),
    ("#1", "#1"),
    ("   机关食堂", "   机关食堂"),  # three spaces open no code block
]


@pytest.mark.parametrize(("value", "written"), CASES)
def test_the_md_filter_and_the_tables_escape_alike(value: str, written: str) -> None:
    assert markdown_text(value) == written
    assert environment(None).from_string("{{ value | md }}").render(value=value) == written


@pytest.mark.parametrize(("value", "written"), CASES)
def test_an_escaped_value_is_one_paragraph_and_one_table_cell(value: str, written: str) -> None:
    paragraph = MARKDOWN.render(written)
    assert paragraph.startswith("<p>") and paragraph.count("<p>") == 1 and paragraph.endswith("</p>\n"), paragraph
    table = MARKDOWN.render(f"| 列 |\n|---|\n| {written} |\n")
    assert table.count("<tr>") == 2 and table.count("<td>") == 1, table


@pytest.mark.parametrize("value", ["    机关食堂", "\t机关食堂", "  \t机关食堂", "        1. 统筹规划", "    <b>&"])
def test_an_indented_value_shows_as_written_not_as_code(value: str) -> None:
    # four spaces or a tab at a line's start made the value an indented code block, in a paragraph and in a
    # list item of a template (`- {{ value | md }}`); the entity keeps the indentation in the rendered text
    written = markdown_text(value)
    assert MARKDOWN.render(written) == f"<p>{html.escape(value, quote=False)}</p>\n"
    assert MARKDOWN.render(f"- {written}") == f"<ul>\n<li>{html.escape(value, quote=False)}</li>\n</ul>\n"


SYSTEM = 'name: 测试体系\nmodules:\n  - {id: "101", name: "基础\\r通用"}\n'
NOTES = """\
period: 2023H2
addressee: "# 各省级机关事务管理部门"
opening: "1. 坚持统筹规划。\\r2. 坚持试点引领。"
issuer: 某省机关事务管理局办公室
date: 2024-01-15
"""


def test_a_bulletin_shows_notes_and_names_as_written_not_as_markdown(make_catalog: CatalogFactory,
                                                                     tmp_path: Path) -> None:
    # The opening became an ordered list, the addressee a heading, and the module name's CR split the
    # table's row in two.
    root = make_catalog({
        "system.yaml": SYSTEM,
        "notes/2023H2.yaml": NOTES,
        "records/GB-T-90001-2023.yaml": record("GB/T 90001-2023", "机关事务管理 基础术语", published="2023-07-01",
                                               effective="2023-08-01", module='"101"'),
    })
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out),
                                 "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    html = MARKDOWN.render(out.read_text(encoding="utf-8"))
    assert "<ol" not in html and html.count("<h1>") == 1  # the title's
    assert "<p>1. 坚持统筹规划。<br>2. 坚持试点引领。</p>" in html
    assert "<p># 各省级机关事务管理部门：</p>" in html
    assert "<td>101 基础<br>通用</td><td>1</td><td>1</td><td>0</td><td>1</td>" in html.replace("\n", "").replace(
        ' style="text-align:right"', "")

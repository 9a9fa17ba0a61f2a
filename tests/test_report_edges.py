"""Reports at their edges: output and notes file names a document cannot hold as they are, and the like."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
import zipfile
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from docx import Document
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()
AS_OF = "2026-01-01"

FILES = {
    "system.yaml": 'name: 测试体系\nmodules:\n  - {id: "101", name: 基础通用}\n',
    "records/GB-T-90001-2023.yaml": record("GB/T 90001-2023", "机关事务管理 基础术语", published="2023-07-01",
                                           effective="2023-08-01", module='"101"'),
}

_IMAGE = re.compile(r"!\[[^\]\n]*\]\(([^)\n]*)\)")


def _undecodable_names_allowed(directory: Path) -> bool:
    try:
        (directory / os.fsdecode(b"probe\xff")).touch()
    except (OSError, UnicodeError):
        return False
    return True


@pytest.mark.parametrize("name", ["通报 (终稿).md", "a(b.md", os.fsdecode(b"\xff\xfe.md")])
def test_markdown_chart_links_lead_to_the_charts_whatever_the_file_is_named(
    make_catalog: CatalogFactory, tmp_path: Path, name: str
) -> None:
    # The links were the file name as it is: a space ends a Markdown link's destination (the images showed as
    # text), and an undecodable byte in the name stopped the command with a traceback.
    if not name.isascii() and "\udcff" in name and not _undecodable_names_allowed(tmp_path):
        pytest.skip("this file system takes UTF-8 names only")
    root = make_catalog(FILES)
    out = tmp_path / "out" / name
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    links = _IMAGE.findall(out.read_text(encoding="utf-8"))
    assert len(links) == 4
    for link in links:
        assert " " not in link and "(" not in link and ")" not in link
        assert (out.parent / os.fsdecode(unquote_to_bytes(link))).is_file(), link


NOTES = "period: 2023H2\naddressee: 各省级机关事务管理部门\nissuer: 某省机关事务管理局办公室\ndate: 2024-01-15\n"


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json"])
def test_a_notes_file_whose_name_is_not_utf8_is_named_not_a_traceback(
    make_catalog: CatalogFactory, tmp_path: Path, fmt: str
) -> None:
    # The footer names the notes file; a name holding a byte that is not UTF-8 (a zip from a GBK Windows)
    # could not be encoded and the Markdown and HTML bulletins stopped with a UnicodeEncodeError.
    if not _undecodable_names_allowed(tmp_path):
        pytest.skip("this file system takes UTF-8 names only")
    root = make_catalog(FILES)
    notes = tmp_path / os.fsdecode(b"\xcd\xa8\xb1\xa8.yaml")  # 通报 in GBK: \xcd\xa8 happens to be UTF-8 too
    notes.write_text(NOTES, encoding="utf-8")
    out = tmp_path / f"b.{fmt}"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--notes", str(notes),
                                 "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        return
    # named, the undecodable bytes as \xNN (the notes lack an opening: a placeholder names the file)
    if fmt == "docx":
        text = "\n".join(paragraph.text for paragraph in Document(str(out)).paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
    shown = "\\\\xb1\\\\xa8.yaml" if fmt == "md" else "\\xb1\\xa8.yaml"  # Markdown escapes the backslash
    assert "各省级机关事务管理部门" in text and shown in text


def test_the_placeholder_count_includes_a_framework_diagram_that_could_not_be_drawn(
    make_catalog: CatalogFactory, tmp_path: Path
) -> None:
    # Without a standard system the document prints 【待补充：标准体系框架图未能生成…】, but the summary
    # ("待补充 8 处") and the JSON's placeholders left it out: one placeholder fewer than the document holds.
    root = make_catalog({"records/GB-T-90001-2023.yaml": FILES["records/GB-T-90001-2023.yaml"]})
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    marked = out.read_text(encoding="utf-8").count("【待补充")
    assert f"待补充 {marked} 处" in result.stderr and "标准体系框架图" in result.stderr.split("待补充：")[-1]
    data = tmp_path / "b.json"
    assert runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(data), "--as-of", AS_OF]
                         ).exit_code == 0
    placeholders = json.loads(data.read_text(encoding="utf-8"))["placeholders"]
    assert len(placeholders) == marked and "标准体系框架图" in placeholders


def test_the_same_docx_bulletin_twice_is_the_same_file_dated_by_its_figures(
    make_catalog: CatalogFactory, tmp_path: Path
) -> None:
    # The DOCX's zip entries carried the time of writing (two runs differed) and its properties said it was
    # created on 2013-12-23, the date of python-docx's template.
    root = make_catalog(FILES)
    outputs = []
    for run in ("1", "2"):
        out = tmp_path / run / "b.docx"
        result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
        assert result.exit_code == 0, result.output
        outputs.append(out)
    properties = Document(str(outputs[0])).core_properties
    assert properties.created is not None and properties.created.date() == dt.date(2023, 12, 31)  # the cutoff
    assert properties.modified == properties.created
    with zipfile.ZipFile(outputs[0]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 12, 31, 0, 0, 0)}
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    early = tmp_path / "early.docx"  # a day no zip entry can hold: the earliest one that can
    result = runner.invoke(app, ["report", "bulletin", str(root), "--from", "0001-01-01", "--to", "0001-01-02",
                                 "-o", str(early), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert Document(str(early)).core_properties.created == dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)


def test_noncharacters_in_the_notes_are_said_where_they_are_not_dropped(
    make_catalog: CatalogFactory, tmp_path: Path
) -> None:
    # U+FFFE and U+FFFF are valid YAML but no XML 1.0 character: python-docx refused the notes' title with a
    # ValueError traceback. Lint's Y008 reports them now, so a notes file holding them is refused as one holding a
    # control character is, each at its line:col, rather than printed with them silently dropped.
    notes = ('period: 2023H2\ntitle: "关于\\uFFFE通报"\naddressee: "各省\\uFFFF机关"\n'
             'opening: "开头\\uFFFF段落"\nissuer: 办公室\ndate: 2024-01-15\n')
    root = make_catalog({**FILES, "notes/2023H2.yaml": notes})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF,
                                 "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output and not out.exists()
    assert "notes/2023H2.yaml:2:8: " in result.output and "U+FFFE" in result.output
    assert "notes/2023H2.yaml:3:12: " in result.output and "notes/2023H2.yaml:4:10: " in result.output


def test_noncharacters_in_catalog_text_do_not_stop_the_docx(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # A catalog file holding one is still read (Y008 is not fatal) and the DOCX writer drops what XML cannot hold.
    files = {**FILES, "system.yaml": 'name: 测试体系\nmodules:\n  - {id: "101", name: "基础\\uFFFE通用"}\n'}
    out = tmp_path / "b.docx"
    with warnings.catch_warnings(record=True) as caught:  # the charts drew it: "Glyph 65534 missing from font"
        warnings.simplefilter("always")
        result = runner.invoke(app, ["report", "bulletin", str(make_catalog(files)), "-p", "2023H2", "-o",
                                     str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert not [w for w in caught if "Glyph" in str(w.message)]
    document = Document(str(out))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "101 基础通用" in cells and not any("\ufffe" in cell for cell in cells)


@pytest.mark.parametrize("command", [
    ["report", "catalog", "{root}", "-f", "csv"],
    ["report", "bulletin", "{root}", "--period", "2023H2"],
    ["report", "site", "{root}"],
    ["schema"],
])
@pytest.mark.parametrize("spelling", [["-o", ""], ["--output="]])
def test_an_empty_output_path_is_refused_naming_the_option(make_catalog: CatalogFactory, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, command: list[str],
                                                            spelling: list[str]) -> None:
    # `-o "$OUT"` with OUT unset: an empty path was read as "." — "cannot write .: Device or resource busy",
    # "the output path is a directory: .", or the schemas written into the current directory unasked
    root = make_catalog(FILES)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = [str(root) if part == "{root}" else part for part in command]
    for lang, said in (("zh", "-o/--output 为空"), ("en", "-o/--output is empty")):
        result = runner.invoke(app, [*args, *spelling, "--lang", lang])
        assert result.exit_code == 2, result.output
        assert said in result.output and len(result.output.splitlines()) == 1, result.output
    assert list(work.iterdir()) == []  # nothing written into the current directory


@pytest.mark.parametrize("named", [".", "..", "out"])
@pytest.mark.parametrize("command", [
    ["report", "catalog", "{root}", "-f", "csv"],
    ["report", "catalog", "{root}", "-f", "xlsx"],
    ["report", "bulletin", "{root}", "--period", "2023H2", "--as-of", AS_OF],
])
def test_a_file_output_that_is_a_directory_is_said_so(make_catalog: CatalogFactory, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, command: list[str],
                                                      named: str) -> None:
    # `report catalog -o .` renamed its temporary file over ".": "cannot write .: Device or resource busy"
    root = make_catalog(FILES)
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    monkeypatch.chdir(work)
    args = [str(root) if part == "{root}" else part for part in command]
    result = runner.invoke(app, [*args, "-o", named, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"the output path is a directory: {named}" in result.output and len(result.output.splitlines()) == 1
    assert sorted(p.name for p in work.iterdir()) == ["out"] and not list((work / "out").iterdir())


def test_write_output_refuses_a_directory_by_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every writer of a named output (the diagram too) goes through it: "." was EBUSY, not "a directory"
    from gbstd.catalog.atomic import unwritable_reason, write_output

    monkeypatch.chdir(tmp_path)
    for named in (".", ".."):
        with pytest.raises(IsADirectoryError) as caught:
            write_output(Path(named), "x\n")
        assert unwritable_reason(caught.value, named).en == f"{named} is a directory"
    assert list(tmp_path.iterdir()) == []


def test_a_tilde_in_the_notes_does_not_strike_markdown_text_through(
    make_catalog: CatalogFactory, tmp_path: Path
) -> None:
    # Ranges written with ~ (9月~11月) went into the Markdown as they were, and GitHub's renderer strikes out
    # everything between two tildes (one each side is enough there; markdown-it wants two, as below).
    from markdown_it import MarkdownIt

    opening = "2021年9月~11月前期准备，12月~~次年~~组织实施。"
    root = make_catalog({**FILES, "notes/2023H2.yaml": NOTES + f"opening: {opening}\n"})
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "9月\\~11月" in text
    html = MarkdownIt("commonmark").enable("strikethrough").render(text)
    assert "<s>" not in html
    assert f"<p>{opening}</p>" in html


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json"])
def test_an_output_below_a_file_names_the_file_in_every_format(
    make_catalog: CatalogFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # The Markdown bulletin makes its charts directory first, and mkdir below a file is ENOTDIR: it said
    # "cannot write notes/b.md: notes/b-charts: Not a directory" (untranslated, naming a directory that is not
    # there) where the other formats said the file on the way is a file.
    root = make_catalog(FILES)
    monkeypatch.chdir(tmp_path)
    Path("notes").write_text("not a directory\n", encoding="utf-8")
    for lang, said in (("zh", "无法写入 notes/b.{}：notes 是文件，不是目录"), ("en", "cannot write notes/b.{}: notes is a file, "
                                                                          "not a directory")):
        result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--as-of", AS_OF,
                                     "-o", f"notes/b.{fmt}", "--lang", lang])
        assert result.exit_code == 2, result.output
        assert said.format(fmt) in result.output and len(result.output.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "notes"]

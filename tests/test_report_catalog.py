"""`gbstd report catalog` and the round trip: export → import → export gives the same table (XLSX and CSV)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.tabular.columns import COLUMNS

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "standards"
AS_OF = "2026-11-23"
EXTRA = """\
extra:
  联系人: 张三
  "电话, 分机": 0371-1234
"""

REVIEW = """\
reviews:
  - date: 2025-06-01
    conclusion: 继续有效
    by: 洛阳市机关事务管理局
    illustrative: true
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample catalog, plus extra columns on one record (they must survive the round trip too)."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    target = root / "records/local/DB4103-T-152-2023.yaml"
    target.write_text(target.read_text(encoding="utf-8") + EXTRA + REVIEW,
                      encoding="utf-8")  # fmt: skip
    return root


def fresh_catalog(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    assert invoke("init", str(root))[0] == 0
    toml = root / "gbstd.toml"
    toml.write_text("[catalog]\ninternal_code_pattern = '^HNJGSW \\d+-\\d{4}$'\n" + toml.read_text(encoding="utf-8"),
                    encoding="utf-8")  # fmt: skip
    # The table carries records, not the standard system: the importing bureau keeps its own system.yaml.
    shutil.copy(SAMPLE / "system.yaml", root / "system.yaml")
    return root


def sheet_values(path: Path) -> list[list[object]]:
    book = load_workbook(path)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def round_trip(source: Path, tmp_path: Path, suffix: str) -> tuple[Path, Path, Path]:
    """Export ``source``, import the table into a fresh catalog, export that: (first table, second, catalog)."""
    first, second = tmp_path / f"first{suffix}", tmp_path / f"second{suffix}"
    assert invoke("report", "catalog", str(source), "-o", str(first))[0] == 0
    target = fresh_catalog(tmp_path, "imported")
    code, out, err = invoke("import", str(first), "--into", str(target), "--as-of", AS_OF)
    assert code == 0, err
    assert "新建 46" in out
    assert invoke("report", "catalog", str(target), "-o", str(second))[0] == 0
    return first, second, target


def test_xlsx_round_trip_is_lossless(sample: Path, tmp_path: Path) -> None:
    first, second, target = round_trip(sample, tmp_path, ".xlsx")
    assert sheet_values(first) == sheet_values(second)
    rows = sheet_values(first)
    assert len(rows) == 47 and rows[0][-2:] == ["联系人", "电话, 分机"]
    row = next(r for r in rows if r[2] == "DB4103/T 152-2023")
    assert row[16:18] == [dt.datetime(2025, 6, 1), "继续有效"]
    imported = load_catalog(target).get("DB4103/T 152-2023")
    assert imported is not None
    (review,) = imported.standard.reviews
    assert (review.date, review.conclusion.value) == (dt.date(2025, 6, 1), "继续有效")
    # The imported catalog is as clean as the sample: nothing was lost or bent on the way.
    code, out, _ = invoke("lint", str(target), "--as-of", AS_OF)
    assert code == 0, out


def test_csv_round_trip_is_byte_identical(sample: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert invoke("report", "catalog", str(sample), "-o", str(first))[0] == 0
    target = fresh_catalog(tmp_path, "imported")
    assert invoke("import", str(first), "--into", str(target), "--as-of", AS_OF)[0] == 0
    assert invoke("report", "catalog", str(target), "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    # Importing the same table again changes nothing.
    code, out, _ = invoke("import", str(first), "--into", str(target), "--update", "--as-of", AS_OF)
    assert code == 0 and "无变化 46" in out


def test_english_table_round_trips_too(sample: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert invoke("report", "catalog", str(sample), "-o", str(first), "--lang", "en")[0] == 0
    assert first.read_text(encoding="utf-8-sig").startswith("No.,Module,Code,Title,Tier,Nature,Status,")
    target = fresh_catalog(tmp_path, "imported")
    assert invoke("import", str(first), "--into", str(target), "--as-of", AS_OF)[0] == 0
    assert invoke("report", "catalog", str(target), "-o", str(second), "--lang", "en")[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_xlsx_layout(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "table.xlsx"
    assert invoke("report", "catalog", str(sample), "-o", str(out))[0] == 0
    sheet = load_workbook(out).active
    assert sheet.title == "标准体系明细表"
    assert [c.value for c in sheet[1]][: len(COLUMNS)] == [c.zh for c in COLUMNS]
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("1F4E78")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{sheet.max_row}"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width  # 标准名称 wider than 序号
    assert sheet.column_dimensions["P"].width <= 62  # 适用范围 capped, wrapped
    assert sheet.row_dimensions[1].height == 30 and sheet["A1"].alignment.horizontal == "center"
    assert sheet["D2"].alignment.wrap_text and not sheet["C2"].alignment.wrap_text  # titles wrap, codes do not
    assert sheet["C2"].alignment.vertical == "top" and sheet["C2"].data_type == "s"
    effective = next(c for c in sheet["I"][1:] if c.value is not None)
    assert isinstance(effective.value, dt.datetime) and effective.number_format == "yyyy-mm-dd"
    codes = [c.value for c in sheet["C"][1:]]
    assert codes[0] == "GB/T 41568-2022"  # module 101 first, national before local
    assert [c.value for c in sheet["A"][1:4]] == [1, 2, 3]


def test_csv_has_bom_and_markdown_escapes(sample: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("report", "catalog", str(sample), "-f", "csv")
    assert code == 0
    assert out.startswith("\ufeff序号,体系编号,标准号,")
    code, md, _ = invoke("report", "catalog", str(sample))
    assert code == 0
    lines = md.splitlines()
    assert lines[0] == "# 标准体系明细表"
    assert lines[2].startswith("| 序号 | 体系编号 | 标准号 |")
    assert len(lines) == 3 + 1 + 46
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines[2:]}
    assert widths == {len(COLUMNS) + 2 + 1}  # 19 columns + 2 extra columns → 22 unescaped pipes per line


def test_markdown_shows_emphasis_characters_of_a_title_as_written(tmp_path: Path) -> None:
    # `*`, `_` and `~` went into the table as they were: a title 办公区*安全*管理 showed 安全 in italics, the
    # asterisks gone, and ~~ struck text through.
    from markdown_it import MarkdownIt

    root = fresh_catalog(tmp_path, "c")
    record = root / "records/national/GB-T-1-2020.yaml"
    record.parent.mkdir(parents=True)
    title = "办公区*安全*管理 __规范__ ~~试行~~"
    record.write_text(f"code: GB/T 1-2020\ntitle: {title}\nstatus: 现行\n", encoding="utf-8")
    code, md, _ = invoke("report", "catalog", str(root))
    assert code == 0
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)
    assert "<em>" not in html and "<strong>" not in html and "<s>" not in html
    assert f"<td>{title}</td>" in html


def test_xlsx_needs_a_file(sample: Path) -> None:
    code, _, err = invoke("report", "catalog", str(sample), "-f", "xlsx")
    assert code == 2 and "-o" in err


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    root = fresh_catalog(tmp_path, "c")
    record = root / "records/national/GB-T-1-2020.yaml"
    record.parent.mkdir(parents=True)
    record.write_text(
        "code: GB/T 1-2020\ntitle: 标准\nstatus: 现行\nnote: '=HYPERLINK(\"x\")'\n", encoding="utf-8"
    )
    out = tmp_path / "t.xlsx"
    assert invoke("report", "catalog", str(root), "-o", str(out))[0] == 0
    cell = load_workbook(out).active["S2"]
    # Stored as text and neutralised the OWASP way, so no tool that re-reads it as CSV runs it either.
    assert cell.value == '\'=HYPERLINK("x")' and cell.data_type == "s"


def test_text_longer_than_a_cell_is_cut_visibly_and_control_characters_survive(tmp_path: Path) -> None:
    root = fresh_catalog(tmp_path, "c")
    record = root / "records/national/GB-T-1-2020.yaml"
    record.parent.mkdir(parents=True)
    long_scope = "本文件规定了" + "办公用房管理要求" * 5000  # 40 006 characters: more than an Excel cell holds
    record.write_text(
        f"code: GB/T 1-2020\ntitle: \"标准\\a名称\"\nstatus: 现行\nscope: {long_scope}\n", encoding="utf-8"
    )
    out = tmp_path / "t.xlsx"
    assert invoke("report", "catalog", str(root), "-o", str(out))[0] == 0
    row = {c.column_letter: c.value for c in load_workbook(out).active[2]}
    assert len(row["P"]) == 32_767 and row["P"].endswith("…") and row["P"].startswith("本文件规定了办公用房")
    # A control character (XML cannot hold it) is written as Excel's escape, which Excel shows as the
    # character: not dropped, and not fatal (openpyxl refused the whole file). openpyxl reads the escape as is.
    assert row["D"] == "标准_x0007_名称"
    with zipfile.ZipFile(out) as book:
        assert "标准_x0007_名称" in "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def test_output_dash_is_standard_output_not_a_file_named_dash(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # `-o -` wrote a file literally named "-" (and a bulletin's "--charts" directory beside it).
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    monkeypatch.chdir(tmp_path)
    sample = Path(__file__).resolve().parent.parent / "standards"
    runner = CliRunner()
    result = runner.invoke(app, ["report", "catalog", str(sample), "-o", "-", "-f", "csv"])
    assert result.exit_code == 0 and "GB/T 41568-2022" in result.stdout
    result = runner.invoke(app, ["report", "bulletin", str(sample), "-p", "2023H2", "-o", "-"])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_an_xlsx_export_counts_its_rows_on_a_progress_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """100 000 rows take seconds to write: on a terminal a bar counts them, a thousand at a time."""
    from gbstd.tabular import writers

    table = writers.build_table(load_catalog(SAMPLE).records)
    rows = table.rows
    table.rows = [*rows] * (2500 // len(rows) + 1)  # past two thousands and a remainder
    heard: list[int] = []
    written = writers.write_xlsx(table, "zh", heard.append)
    assert heard[:2] == [1000, 1000] and sum(heard) == len(table.rows)
    assert load_workbook(io.BytesIO(written)).active.max_row == len(table.rows) + 1

    made = writers.write_xlsx
    reported: list[int] = []

    def listening(table: object, lang: str, progress: object = None) -> bytes:
        assert callable(progress)
        return made(table, lang, lambda n: (reported.append(n), progress(n)))  # type: ignore[arg-type,operator]

    monkeypatch.setattr("gbstd.cli.common.show_progress", lambda: True)  # as on a terminal
    monkeypatch.setattr("gbstd.cli.report_catalog.write_xlsx", listening)
    out = tmp_path / "table.xlsx"
    assert invoke("report", "catalog", str(SAMPLE), "-o", str(out))[0] == 0
    assert sum(reported) == load_workbook(out).active.max_row - 1


def test_the_xlsx_bar_says_saving_while_the_workbook_is_compressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once every row is counted the bar was full while the workbook was still being compressed (seconds at
    100 000 rows): it then says so, without a count it cannot make."""
    import contextlib

    import xlsxwriter

    from gbstd.cli import report_catalog

    bars: list[Any] = []
    made = report_catalog.progress_bar

    @contextlib.contextmanager
    def kept(*args: Any, **kwargs: Any) -> Any:
        with made(*args, **kwargs) as bar:
            bars.append(bar)
            yield bar

    at_close: list[list[tuple[str, float | None, float]]] = []
    close = xlsxwriter.Workbook.close

    def closing(book: Any) -> Any:
        at_close.append([(task.description, task.total, task.completed) for task in bars[0].tasks if task.visible])
        return close(book)

    monkeypatch.setattr("gbstd.cli.common.show_progress", lambda: True)  # as on a terminal
    monkeypatch.setattr(report_catalog, "progress_bar", kept)
    monkeypatch.setattr(xlsxwriter.Workbook, "close", closing)
    out = tmp_path / "table.xlsx"
    assert invoke("report", "catalog", str(SAMPLE), "-o", str(out))[0] == 0
    rows = load_workbook(out).active.max_row - 1
    assert rows > 0 and at_close == [[("保存 XLSX saving", None, 0)]]



def test_two_xlsx_exports_of_the_same_catalog_are_the_same_bytes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter stamped the time of writing into docProps/core.xml: two exports a second apart differed."""
    import xlsxwriter.core

    class AnyDatetime(type):  # the writer checks a date it is given is a datetime: every one still is
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, dt.datetime)

    class Clock(dt.datetime, metaclass=AnyDatetime):
        ticks = 0

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # a second later on every call
            cls.ticks += 1
            return cls(2030, 1, 1, 12, 0, cls.ticks, tzinfo=tz)

    monkeypatch.setattr(xlsxwriter.core, "datetime", Clock)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert invoke("report", "catalog", str(SAMPLE), "-o", str(first))[0] == 0
    assert invoke("report", "catalog", str(SAMPLE), "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    # dated by the catalog: the latest day its table holds
    from gbstd.tabular.writers import build_table

    days = [v for row in build_table(load_catalog(SAMPLE).records).rows for v in row if isinstance(v, dt.date)]
    with zipfile.ZipFile(first) as package:
        core = package.read("docProps/core.xml").decode("utf-8")
    assert f">{max(days).isoformat()}T00:00:00Z</dcterms:created>" in core
    assert f">{max(days).isoformat()}T00:00:00Z</dcterms:modified>" in core

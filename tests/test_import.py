"""`gbstd import`: encodings, header aliases, bad rows, --update merging, --dry-run, extra columns, 1 000 rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from ruamel.yaml import YAML
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.model.standard import Standard
from gbstd.tabular import importer
from gbstd.tabular.importer import Action, import_table
from gbstd.tabular.readers import TableError, read_table
from tests.conftest import CatalogFactory, record

runner = CliRunner()
AS_OF = "2026-11-23"
HEADERS = [
    "序号",
    "体系编号",
    "标准号",
    "标准名称",
    "状态",
    "发布日期",
    "实施日期",
    "代替标准",
    "发布部门",
    "备注",
]
ROWS = [
    ["1", "101", "GB/T 41568-2022", "机关事务管理 术语", "现行", "2022-04-15", "2022/4/15", "",
     "国家市场监督管理总局、国家标准化管理委员会", "基础标准"],
    ["2", "302", "DB41T 2144—2021", "机关食堂服务规范", "现行", "2021.8.1", "2021年9月13日", "DB41/T 1-2010", "河南省市场监督管理局", ""],
]  # fmt: skip


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([headers, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_book(rows: list[list[object]], headers: list[str] = HEADERS, title_row: str | None = None) -> Workbook:
    """A workbook whose first sheet holds the table (``title_row`` above its headers), not yet saved."""
    book = Workbook()
    sheet = book.active
    sheet.title = "明细表"
    if title_row:
        sheet.append([title_row])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return book


def xlsx_file(
    path: Path, rows: list[list[object]], headers: list[str] = HEADERS, title_row: str | None = None
) -> Path:
    xlsx_book(rows, headers, title_row).save(path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *args, "--as-of", AS_OF])
    return result.exit_code, result.stdout, result.stderr


def exported(catalog: Path, rel: str, text: str, table: Path) -> Path:
    """Write one record file ``rel`` into ``catalog`` and export the catalog with `report catalog` to ``table``;
    the record file's path."""
    path = catalog / rel
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["report", "catalog", str(catalog), "-o", str(table)]).exit_code == 0
    return path


def imported(table: Path, into: Path) -> dict[str, Standard]:
    """Import ``table`` into the catalog ``into`` (it must succeed); the catalog's standards by code."""
    code, out, _ = run(str(table), "--into", str(into))
    assert code == 0, out
    return {r.key: r.standard for r in load_catalog(into).records}


@pytest.fixture
def catalog(make_catalog: CatalogFactory) -> Path:
    return make_catalog(
        {"system.yaml": "name: 体系\nmodules:\n  - {id: '101', name: 基础}\n  - {id: '302', name: 食堂}\n"}
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(catalog: Path, tmp_path: Path, encoding: str) -> None:
    source = tmp_path / "table.csv"
    source.write_bytes(csv_bytes(ROWS, encoding))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    text = (catalog / "records/local/DB41-T-2144-2021.yaml").read_text(encoding="utf-8")
    assert "title: 机关食堂服务规范" in text
    assert "effective: 2021-09-13" in text
    assert "新建 2" in out


def test_gbk_is_reported_as_such(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "table.csv"
    source.write_bytes(csv_bytes(ROWS, "gbk"))
    _, out, _ = run(str(source), "--into", str(catalog))
    assert "GB18030/GBK" in out.splitlines()[0]


def test_new_record_file(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "table.csv"
    source.write_bytes(csv_bytes(ROWS))
    run(str(source), "--into", str(catalog))
    text = (catalog / "records/national/GB-T-41568-2022.yaml").read_text(encoding="utf-8")
    assert text == (
        "# yaml-language-server: $schema=../../schemas/standard.schema.json\n"
        "code: GB/T 41568-2022\n"
        "title: 机关事务管理 术语\n"
        "status: 现行\n"
        "published: 2022-04-15\n"
        "effective: 2022-04-15\n"
        "issuer: [国家市场监督管理总局, 国家标准化管理委员会]\n"
        'module: "101"\n'
        "note: 基础标准\n"
    )
    result = runner.invoke(app, ["lint", str(catalog), "--as-of", AS_OF, "--select", "C,Y"])
    assert result.exit_code == 0, result.stdout


def test_xlsx_with_title_row_english_headers_and_date_cells(catalog: Path, tmp_path: Path) -> None:
    headers = ["No.", "Module", "Standard No.", "Title", "Status", "Published", "Effective date"]
    rows = [
        [
            1,
            302,
            "DB41/T 2144-2021",
            "机关食堂服务规范",
            "in force",
            dt.datetime(2021, 8, 1),
            dt.date(2021, 9, 13),
        ]
    ]
    source = xlsx_file(tmp_path / "t.xlsx", rows, headers, title_row="河南省机关事务标准体系明细表")
    code, _, err = run(str(source), "--into", str(catalog), "--sheet", "明细表")
    assert code == 0, err
    text = (catalog / "records/local/DB41-T-2144-2021.yaml").read_text(encoding="utf-8")
    assert "published: 2021-08-01\neffective: 2021-09-13\n" in text
    assert 'module: "302"' in text


def test_unknown_sheet_is_exit_2(catalog: Path, tmp_path: Path) -> None:
    source = xlsx_file(tmp_path / "t.xlsx", [])
    code, _, err = run(str(source), "--into", str(catalog), "--sheet", "2024")
    assert code == 2
    assert "明细表" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (csv_bytes([], headers=["a", "b"]), "标准号"),
        (csv_bytes([], headers=["标准号", "x"]), "标准名称"),
    ],
)
def test_unusable_files_are_exit_2(catalog: Path, tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes(content)
    code, _, err = run(str(source), "--into", str(catalog))
    assert code == 2
    assert message in err or "空" in err


@pytest.mark.parametrize("kind", ["fifo", "link to nothing"])
def test_a_table_that_is_there_but_not_a_file_says_what_it_is(catalog: Path, tmp_path: Path, kind: str) -> None:
    # both were "no such file"
    source = tmp_path / "t.csv"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source.symlink_to("gone.csv")
    before = sorted(p.relative_to(catalog) for p in catalog.rglob("*"))
    result = runner.invoke(app, ["import", str(source), "--into", str(catalog), "--as-of", AS_OF, "--lang", "en"])
    said = (f"{source} is not a regular file (a device, pipe or socket)" if kind == "fifo"
            else f"a link to nothing: {source} → gone.csv, which does not exist")
    assert result.exit_code == 2 and said in result.stderr, result.output
    assert sorted(p.relative_to(catalog) for p in catalog.rglob("*")) == before


def test_a_quote_never_closed_refuses_the_file(catalog: Path, tmp_path: Path) -> None:
    # the rows after it fell into one title: imported as one record, exit 0, the others never mentioned
    source = tmp_path / "t.csv"
    source.write_text("标准号,标准名称,状态\nDB41/T 1001-2023,\"未闭合引号,现行\nDB41/T 1002-2023,正常,现行\n",
                      encoding="utf-8")
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 2 and "a quote opened in the row starting on line 2 is never closed" in err
    assert not list((catalog / "records").rglob("*.yaml"))
    lenient = tmp_path / "u.csv"  # text after a closing quote is read as spreadsheets read it, as before
    lenient.write_text('标准号,标准名称,状态\nDB41/T 1001-2023,"机关" 食堂,现行\n', encoding="utf-8")
    assert read_table(lenient).rows[0][1][1] == "机关 食堂"


def test_a_stray_far_cell_and_a_formatted_last_row_read_quickly(catalog: Path, tmp_path: Path) -> None:
    # read-only mode padded every row to column XFD and yielded every missing row down to 1 048 576: the
    # import never finished (and 2 000 rows with the stray cell alone took 6 s and 350 MB)
    book = xlsx_book(ROWS)
    sheet = book.active
    sheet.cell(row=2, column=16384, value="stray")
    sheet.cell(row=1_048_576, column=1).font = Font(bold=True)
    book.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx")
    assert table.headers == [*HEADERS, "列16384"]  # the empty columns between are not columns
    assert [cells[-1] for _, cells in table.rows] == ["stray", None] and len(table.rows) == 2
    code, out, _ = run(str(tmp_path / "t.xlsx"), "--into", str(catalog))
    assert code == 0 and "列16384" in out and "列20" not in out
    assert "列16384: stray" in (catalog / "records" / "national" / "GB-T-41568-2022.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("stray", [False, True])
def test_a_number_shown_with_leading_zeros_is_read_as_shown(catalog: Path, tmp_path: Path, stray: bool) -> None:
    """Excel keeps 体系编号 0101 as the number 101 under the format "0000": it is read as the 0101 it shows (it
    was read as 101). A number under any other format is read as the number; with a stray cell in column XFD
    the cells are still read quickly (the reader then looks at cells, not bare values)."""
    book = xlsx_book(ROWS)
    sheet = book.active
    sheet["B2"], sheet["B3"] = 101, 302
    sheet["B2"].number_format, sheet["B3"].number_format = "0000", "0.00"
    sheet["A2"], sheet["A2"].number_format = -7, "000"
    if stray:
        sheet.cell(row=2, column=16384, value="stray")
        sheet.cell(row=1_048_576, column=1).font = Font(bold=True)
    book.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx")
    assert [cells[:2] for _, cells in table.rows[:2]] == [["-007", "0101"], ["2", 302]]
    code, _, _ = run(str(tmp_path / "t.xlsx"), "--into", str(catalog))
    assert code == 0
    national = YAML(typ="safe").load(catalog / "records/national/GB-T-41568-2022.yaml")
    local = YAML(typ="safe").load(catalog / "records/local/DB41-T-2144-2021.yaml")
    assert (national["module"], local["module"]) == ("0101", "302")


def test_formats_are_read_no_further_right_than_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A formatted empty cell in column XFD of every row (as office suites save a bordered range) is no cell
    to read for its format: only the columns up to the last number are (a pass over cell objects 16 384 wide
    made such a table ten times slower to read)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    book = xlsx_book(ROWS)
    sheet = book.active
    for number in range(2, len(ROWS) + 2):
        sheet.cell(row=number, column=16384).font = Font(bold=True)
    sheet["B2"], sheet["B2"].number_format = 101, "0000"
    book.save(tmp_path / "t.xlsx")
    asked: list[dict[str, object]] = []
    real = ReadOnlyWorksheet.iter_rows

    def spy(self: ReadOnlyWorksheet, *args: object, **kwargs: object) -> object:
        asked.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", spy)
    table = read_table(tmp_path / "t.xlsx")
    assert [cells[1] for _, cells in table.rows] == ["0101", "302"]
    assert asked == [{"values_only": True}, {"max_col": 2}]  # 序号 and 体系编号: the last number's column


def test_a_row_that_replaces_itself_is_refused(catalog: Path, tmp_path: Path) -> None:
    # it was written with replaces and replaced_by both naming the record itself, exit 0
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["1", "101", "GB/T 41568-2022", "术语", "现行", "", "", "GB/T 41568—2022", "", ""]]))
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 1 and "代替标准: a standard cannot replace itself (GB/T 41568-2022)" in err
    assert not list((catalog / "records").rglob("*.yaml"))


def test_bad_rows_are_reported_and_skipped(catalog: Path, tmp_path: Path) -> None:
    rows = [
        *ROWS,
        [
            "3",
            "202",
            "GB/T 43542-2023",
            "物业服务监管和评价规范",
            "现行",
            "2023-12-28",
            "2021-02-30",
            "",
            "",
            "",
        ],
        ["4", "202", "XYZ 12", "坏标准号", "现行", "", "", "", "", ""],
        ["5", "202", "DB41/T 2144-2021", "重复", "现行", "", "", "", "", ""],
        ["6", "202", "DB41/T 3-2022", "坏状态", "作废了", "2022-13-01", "", "", "", ""],
    ]
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1
    assert "第4行 实施日期: '2021-02-30' 不是有效日期" in err
    assert "第5行 标准号: 'XYZ 12'" in err
    assert "第6行 标准号: DB41/T 2144-2021 与第3行重复" in err
    assert "第7行 状态: '作废了' 不是允许的取值" in err
    assert "第7行 发布日期: '2022-13-01' 不是有效日期" in err
    assert "新建 2" in out and "拒绝 4" in out
    assert sorted(p.name for p in (catalog / "records").rglob("*.yaml")) == [
        "DB41-T-2144-2021.yaml",
        "GB-T-41568-2022.yaml",
    ]
    _, _, err_en = run(str(source), "--into", str(catalog), "--lang", "en")
    assert "row 4, 实施日期: '2021-02-30' is not a valid date" in err_en


def test_status_and_tier(catalog: Path, tmp_path: Path) -> None:
    headers = ["标准号", "标准名称", "标准层级", "标准性质", "状态", "实施日期"]
    rows = [["GB/T 1-2030", "未来标准", "国家标准", "推荐性", "", "2030-01-01"],
            ["GB/T 2-2020", "矛盾层级", "地方标准", "强制性", "现行", "2020-01-01"]]  # fmt: skip
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows, headers=headers))
    code, out, _ = run(str(source), "--into", str(catalog))
    assert code == 0
    assert "按日期推定为“即将实施”" in out
    future = (catalog / "records/national/GB-T-1-2030.yaml").read_text(encoding="utf-8")
    assert "status: 即将实施" in future and "tier:" not in future and "nature:" not in future
    # A tier or nature that contradicts the code is kept as written, for lint (C004) to report.
    odd = (catalog / "records/national/GB-T-2-2020.yaml").read_text(encoding="utf-8")
    assert "tier: local" in odd and "nature: mandatory" in odd


def test_dry_run_writes_nothing(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(ROWS))
    code, out, _ = run(str(source), "--into", str(catalog), "--dry-run")
    assert code == 0
    assert "将新建: records/local/DB41-T-2144-2021.yaml" in out
    assert "演练（未写入任何文件）" in out
    assert not (catalog / "records").exists()


def test_existing_records_are_left_alone_without_update(catalog: Path, tmp_path: Path) -> None:
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(record("DB41/T 2144-2021", "旧名称"), encoding="utf-8")
    before = existing.read_bytes()
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(ROWS))
    code, out, _ = run(str(source), "--into", str(catalog))
    assert code == 0
    assert existing.read_bytes() == before
    assert (
        "已存在（未改动）: records/local/DB41-T-2144-2021.yaml（title, published, effective, replaces, issuer, module）"
        in out
    )


UPDATED_FILE = """\
# yaml-language-server: $schema=../../schemas/standard.schema.json
# 河南省地方标准（人工维护的注释）
code: DB41/T 2144-2021
title: 旧名称   # 名称待核
status: 现行
effective: 2021-09-13
issuer: [河南省市场监督管理局]
scope: 本文件规定了机关食堂服务。
sources:
  - https://example.org/db41-2144
note: 人工备注
"""


def test_update_merges_and_keeps_comments(catalog: Path, tmp_path: Path) -> None:
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(UPDATED_FILE, encoding="utf-8")
    headers = ["标准号", "标准名称", "发布日期", "实施日期", "发布部门", "适用范围", "备注", "联系人"]
    rows = [["DB41/T 2144-2021", "机关食堂服务规范", "2021-08-01", "2021-09-13", "", "", "", "张三"]]
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows, headers=headers))
    code, out, _ = run(str(source), "--into", str(catalog), "--dry-run", "--update")
    assert code == 1 and existing.read_text(encoding="utf-8") == UPDATED_FILE
    assert "将更新: records/local/DB41-T-2144-2021.yaml（title, published, extra）" in out
    # The file's title may be a hand correction: shown old → new, held back without --force.
    assert "  title: 旧名称 → 机关食堂服务规范（未写入：" in out
    assert "  published: （空） → 2021-08-01\n" in out
    code, out, _ = run(str(source), "--into", str(catalog), "--update", "--force")
    assert code == 0
    assert (
        existing.read_text(encoding="utf-8")
        == """\
# yaml-language-server: $schema=../../schemas/standard.schema.json
# 河南省地方标准（人工维护的注释）
code: DB41/T 2144-2021
title: 机关食堂服务规范 # 名称待核
status: 现行
published: 2021-08-01
effective: 2021-09-13
issuer: [河南省市场监督管理局]
scope: 本文件规定了机关食堂服务。
sources:
  - https://example.org/db41-2144
note: 人工备注
extra:
  联系人: 张三
"""
    )
    code, out, _ = run(str(source), "--into", str(catalog), "--update")
    assert "无变化 1" in out


def test_unknown_columns_are_kept_in_extra(catalog: Path, tmp_path: Path) -> None:
    headers = [*HEADERS, "联系人", "电话"]
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([[*ROWS[0], "李四", "0371-1234"]], headers=headers))
    code, out, _ = run(str(source), "--into", str(catalog))
    assert code == 0
    assert "未识别的列（保存在记录的 extra 字段中）：联系人、电话" in out
    text = (catalog / "records/national/GB-T-41568-2022.yaml").read_text(encoding="utf-8")
    assert "extra:\n  联系人: 李四\n  电话: 0371-1234\n" in text


def test_replaced_by_is_completed(catalog: Path, tmp_path: Path) -> None:
    headers = ["标准号", "标准名称", "状态", "实施日期", "废止日期", "代替标准"]
    rows = [["GB/T 29118-2023", "节约型机关评价导则", "现行", "2024-04-01", "", "GB/T 29118—2012"],
            ["GB/T 29118-2012", "节约型机关评价导则", "废止", "2013-06-01", "2024-04-01", ""]]  # fmt: skip
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows, headers=headers))
    assert run(str(source), "--into", str(catalog))[0] == 0
    old = (catalog / "records/national/GB-T-29118-2012.yaml").read_text(encoding="utf-8")
    assert "replaced_by: [GB/T 29118-2023]" in old
    new = (catalog / "records/national/GB-T-29118-2023.yaml").read_text(encoding="utf-8")
    assert "replaces: [GB/T 29118-2012]" in new
    result = runner.invoke(app, ["lint", str(catalog), "--as-of", AS_OF, "--select", "C011"])
    assert result.exit_code == 0, result.stdout


def test_replaced_by_completed_in_an_existing_file_goes_above_the_next_keys_heading(
    catalog: Path, tmp_path: Path
) -> None:
    # appended to the list as ruamel appends, the new code went below the heading of the key after the list
    existing = catalog / "records/national/GB-T-29118-2012.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text("code: GB/T 29118-2012\ntitle: 节约型机关评价导则\nstatus: 废止\neffective: 2013-06-01\n"
                        "abolished: 2024-04-01\nreplaced_by:\n  - GB/T 29118-2020  # 征求意见稿\n\n# —— 备注 ——\nnote: n\n",
                        encoding="utf-8")
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["GB/T 29118-2023", "节约型机关评价导则", "现行", "2024-04-01", "GB/T 29118-2012"]],
                                 headers=["标准号", "标准名称", "状态", "实施日期", "代替标准"]))
    code, out, err = run(str(source), "--into", str(catalog), "--update")
    assert code == 0, out + err
    assert existing.read_text(encoding="utf-8").endswith(
        "replaced_by:\n  - GB/T 29118-2020  # 征求意见稿\n  - GB/T 29118-2023\n\n# —— 备注 ——\nnote: n\n")


def test_a_thousand_rows_with_a_progress_bar(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[str(n), "302", f"DB41/T {n}-2021", f"机关食堂服务规范第{n}部分", "现行", "2021-08-01", "2021-09-13",
             "", "河南省市场监督管理局", ""] for n in range(1, 1001)]  # fmt: skip
    source = xlsx_file(tmp_path / "big.xlsx", rows)
    monkeypatch.setattr("gbstd.cli.common.show_progress", lambda: True)  # as on a terminal
    monkeypatch.setattr("os.fsync", lambda fd: None)  # correctness, not durability, is under test here
    code, out, _ = run(str(source), "--into", str(catalog), "-q")
    assert code == 0 and "新建 1000" in out
    files = sorted((catalog / "records/local").glob("*.yaml"))
    assert len(files) == 1000
    text = (catalog / "records/local/DB41-T-777-2021.yaml").read_text(encoding="utf-8")
    assert "title: 机关食堂服务规范第777部分" in text and "effective: 2021-09-13" in text


def test_progress_counts_rows_planned_and_written(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([*ROWS, ["3", "", "bad", "x", "", "", "", "", "", ""]]))
    table = read_table(source)
    assert [number for number, _ in table.rows] == [2, 3, 4]
    steps: list[int] = []
    report = import_table(table, load_catalog(catalog), as_of=dt.date(2026, 11, 23), progress=steps.append)
    assert sum(steps) == 2 * len(table.rows)
    assert (report.count(Action.CREATE), report.count(Action.REJECTED)) == (2, 1)


REVIEW_HEADERS = ["标准号", "标准名称", "状态", "实施日期", "归口单位", "最近复审日期", "复审结论"]


def test_review_columns_become_a_review_record(catalog: Path, tmp_path: Path) -> None:
    rows = [["DB41/T 2144-2021", "机关食堂服务规范", "现行", "2021-09-13", "河南省机关事务管理局", "2024/9/1", "继续有效"],
            ["DB41/T 3-2021", "结论无日期", "现行", "2021-09-13", "", "", "修订"],
            ["DB41/T 4-2021", "日期无结论", "现行", "2021-09-13", "", "2024-09-01", ""],
            ["DB41/T 5-2021", "坏结论", "现行", "2021-09-13", "", "2024-09-01", "也许"]]  # fmt: skip
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows, headers=REVIEW_HEADERS))
    code, _, err = run(str(source), "--into", str(catalog))
    assert code == 1
    assert "第3行 最近复审日期: 有复审结论“修订”但没有复审日期" in err
    assert "第4行 复审结论: 有复审日期但没有复审结论" in err
    # the allowed values joined in Chinese: pydantic's "'修订' or '废止'" read as a slip into English
    assert "第5行 复审结论: '也许' 不是允许的取值（'继续有效'、'修订' 或 '废止'）" in " ".join(err.split())
    standard = load_catalog(catalog).get("DB41/T 2144-2021")
    assert standard is not None
    (review,) = standard.standard.reviews
    assert (review.date, review.conclusion.value, review.by) == (
        dt.date(2024, 9, 1),
        "继续有效",
        "河南省机关事务管理局",
    )
    assert "归口单位" in review.note


def test_update_never_writes_an_existing_record_without_a_comment_it_had(catalog: Path, tmp_path: Path) -> None:
    # written back through the round trip, a comment inside a flow list was dropped without a word: the row is
    # refused and the file left as it is; a record whose replaced_by the table would complete is named at the row
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    text = ("code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
            "issuer: [河南省市场监督管理局,  # 联合发布\n  河南省机关事务管理局]\n")
    existing.write_text(text, encoding="utf-8")
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范", "2021-08-01", "2021-09-13"]],
                                 headers=["标准号", "标准名称", "发布日期", "实施日期"]))
    code, out, err = run(str(source), "--into", str(catalog), "--update")
    said = " ".join((out + err).split())
    assert code == 1 and existing.read_text(encoding="utf-8") == text
    assert "第 5 行的注释 # 联合发布 在写回时会丢失" in said
    source.write_bytes(csv_bytes([["DB41/T 2144-2025", "机关食堂服务规范", "2025-08-01", "2025-09-13", "DB41/T 2144-2021"]],
                                 headers=["标准号", "标准名称", "发布日期", "实施日期", "代替标准"]))
    code, out, err = run(str(source), "--into", str(catalog), "--update")
    said = " ".join((out + err).split())
    assert existing.read_text(encoding="utf-8") == text and (catalog / "records/local/DB41-T-2144-2025.yaml").is_file()
    assert "records/local/DB41-T-2144-2021.yaml 的 replaced_by 未补写" in said, out


def test_replace_lists_keeps_the_comment_above_a_list_and_writes_valid_yaml(catalog: Path, tmp_path: Path) -> None:
    # the lines above a list's first item are held by its key too: once the file had been written out (checked for
    # comments it would lose), the list replaced was written on its key's line, `references:   -`, broken YAML
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(
        "code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
        "issuer:\n  # 发布单位\n  - 河南省市场监督管理局\nreferences:  # 规范性引用\n  # 基础标准\n  - GB/T 1.1-2020\n",
        encoding="utf-8")
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范", "2021-09-13", "河南省机关事务管理局",
                                   "GB/T 1.1-2020、GB/T 20000.1-2014"]],
                                 headers=["标准号", "标准名称", "实施日期", "发布部门", "引用标准"]))
    code, out, err = run(str(source), "--into", str(catalog), "--update", "--replace-lists", "--force")
    assert code == 0, out + err
    assert existing.read_text(encoding="utf-8") == (
        "code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
        "issuer:\n  # 发布单位\n  - 河南省机关事务管理局\nreferences:  # 规范性引用\n  # 基础标准\n  - GB/T 1.1-2020\n"
        "  - GB/T 20000.1-2014\n")
    lint = runner.invoke(app, ["lint", str(catalog), "--format", "json", "--select", "Y,C001", "--no-cache"])
    assert lint.exit_code == 0 and json.loads(lint.stdout) == [], lint.output


def test_replace_lists_keeps_the_comments_between_items_and_names_those_it_drops(
    catalog: Path, tmp_path: Path
) -> None:
    # the list was written anew: a kept item's comment, the lines heading a group of items and a removed item's
    # comment were all dropped without a word
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(
        "code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
        "references:\n  # 基础标准\n  - GB/T 1.1-2020  # 起草规则\n  - GB/T 2-2020  # 已废止，待替换\n"
        "  # 以下为服务类\n  - GB/T 3-2020\n  - GB/T 4—2020  # 卫生要求\n# 备注\nnote: 内部\n",
        encoding="utf-8")
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范", "2021-09-13",
                                   "GB/T 1.1-2020、GB/T 5-2020、GB/T 3-2020、GB/T 4-2020、GB/T 6-2020"]],
                                 headers=["标准号", "标准名称", "实施日期", "引用标准"]))
    for lang, said in (("zh", "references：删去的 GB/T 2-2020 的行尾注释 # 已废止，待替换 随之删除"),
                       ("en", "references: the comment # 已废止，待替换 on GB/T 2-2020, which the list no longer holds, "
                              "went with it")):
        code, out, err = run(str(source), "--into", str(catalog), "--update", "--replace-lists", "--force",
                             "--lang", lang, *(["--dry-run"] if lang == "zh" else []))
        assert code == 0 and said in " ".join((out + err).split()), out + err
    assert existing.read_text(encoding="utf-8") == (
        "code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
        "references:\n  # 基础标准\n  - GB/T 1.1-2020  # 起草规则\n  - GB/T 5-2020\n"
        "  # 以下为服务类\n  - GB/T 3-2020\n  - GB/T 4-2020  # 卫生要求\n  - GB/T 6-2020\n# 备注\nnote: 内部\n")
    assert [str(r) for r in load_catalog(catalog).get("DB41/T 2144-2021").standard.references] == [  # type: ignore[union-attr]
        "GB/T 1.1-2020", "GB/T 5-2020", "GB/T 3-2020", "GB/T 4-2020", "GB/T 6-2020"]


def test_update_adds_a_new_review_and_corrects_a_same_day_one(catalog: Path, tmp_path: Path) -> None:
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(
        "code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\n"
        "reviews:\n  - date: 2023-01-10  # 第一次复审\n    conclusion: 修订\n    by: 河南省机关事务管理局\n",
        encoding="utf-8",
    )
    source = tmp_path / "t.csv"
    row = ["DB41/T 2144-2021", "机关食堂服务规范", "现行", "2021-09-13", "", "2023-01-10", "继续有效"]
    source.write_bytes(csv_bytes([row], headers=REVIEW_HEADERS))
    before = existing.read_bytes()
    assert run(str(source), "--into", str(catalog), "--update")[0] == 1  # a conclusion on file is kept
    assert existing.read_bytes() == before
    assert run(str(source), "--into", str(catalog), "--update", "--force")[0] == 0
    text = existing.read_text(encoding="utf-8")
    assert "  - date: 2023-01-10  # 第一次复审\n    conclusion: 继续有效\n" in text
    row[5] = "2025-02-01"
    source.write_bytes(csv_bytes([row], headers=REVIEW_HEADERS))
    assert run(str(source), "--into", str(catalog), "--update")[0] == 0
    record = load_catalog(catalog).get("DB41/T 2144-2021")
    assert record is not None
    assert [r.date for r in record.standard.reviews] == [dt.date(2023, 1, 10), dt.date(2025, 2, 1)]




# --- every row is read (issue 16) ---------------------------------------------------------------------------


def _rewrite_sheet(path: Path, edit: Callable[[str], str]) -> None:
    """Edit the first worksheet's XML inside the XLSX, as another office suite might have written it."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == name:
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)


def _numbered_rows(count: int) -> list[list[object]]:
    return [[str(n), "302", f"DB41/T {n}-2021", f"机关食堂服务规范第{n}部分", "现行", "2021-08-01", "2021-09-13",
             "", "河南省市场监督管理局", ""] for n in range(1, count + 1)]  # fmt: skip


def test_stale_dimension_still_reads_every_row(catalog: Path, tmp_path: Path) -> None:
    source = xlsx_file(tmp_path / "stale.xlsx", _numbered_rows(40))
    _rewrite_sheet(source, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:J2"', xml))
    stale = load_workbook(source, read_only=True)
    assert stale.active.max_row == 2  # the file under-states its rows: openpyxl alone would read one
    stale.close()
    code, out, err = run(str(source), "--into", str(catalog), "-q")
    assert code == 0, err
    assert "40 行" in out and "新建 40" in out
    assert len(list((catalog / "records/local").glob("*.yaml"))) == 40


def _empty_formatted_rows(first: int, last: int) -> str:
    """Empty rows as Excel saves a format given down to the sheet's last row: formatted rows without cells, rows
    of styled empty cells, some on lines of their own."""
    rows = []
    for n in range(first, last + 1):
        if n % 3 == 0:
            rows.append(f'<row r="{n}" s="1" customFormat="1"/>')
        elif n % 3 == 1:
            cells = "".join(f'<c r="{c}{n}" s="1"/>' for c in "ABCDEFGHIJK")
            rows.append(f'<row r="{n}" spans="1:11">{cells}</row>')
        else:
            rows.append(f'\n<row r="{n}" spans="1:11">\n  <c r="A{n}" s="1"/>\n</row>')
    return "".join(rows)


def _text(ref: str, text: str) -> str:
    """A text cell (``ref`` "": one without its r="…", placed after the cell before it)."""
    place = f' r="{ref}"' if ref else ""
    return f'<c{place} s="1" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.mark.parametrize("chunk", [None, 997])
def test_values_below_many_formatted_empty_rows_are_read_and_the_empty_rows_are_not_parsed(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int | None
) -> None:
    """A sheet formatted down to row 1 048 576 (a border given to whole columns) took 68 s and 230 MB for a table
    of a few hundred rows: openpyxl's parser made a dict of every empty row and cell. They are dropped before it
    parses them (``chunk``: the XML looked at in pieces that cut rows and tags anywhere), and no value below them
    is lost: one between styled empty cells, one in a row without a number (numbered after the row above it,
    which is kept for that), a formula's saved result."""
    from openpyxl.worksheet._reader import WorkSheetParser

    from gbstd.tabular import readers

    book = xlsx_book(_numbered_rows(3))
    book.active["A2"].font = Font(bold=True)  # style 1, as the rows below use
    source = tmp_path / "formatted.xlsx"
    book.save(source)
    styled = "".join(f'<c r="{c}10000" s="1"/>' for c in "FGHIJK")
    far = (
        f'{_empty_formatted_rows(5, 9999)}<row r="10000" spans="1:11"><c r="A10000" s="1"/><c r="B10000" s="1"/>'
        f'{_text("C10000", "DB41/T 9001-2021")}{_text("D10000", "远处的标准")}{_text("E10000", "现行")}{styled}</row>'
        f'{_empty_formatted_rows(10001, 15000)}<row>{_text("", "")}{_text("", "302")}{_text("", "DB41/T 9002-2021")}'
        f'{_text("", "没有行号的行")}{_text("", "现行")}</row>{_empty_formatted_rows(15002, 19999)}'
        '<row r="20000"><c r="C20000" t="str"><f>"DB41/T "&amp;"9003-2021"</f><v>DB41/T 9003-2021</v></c>'
        f'{_text("D20000", "公式的结果")}{_text("E20000", "现行")}</row>{_empty_formatted_rows(20001, 30000)}'
    )
    _rewrite_sheet(source, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:K1048576"', xml)
                   .replace("</sheetData>", f"{far}</sheetData>"))
    if chunk is not None:
        monkeypatch.setattr(readers, "_CHUNK", chunk)
    parsed: list[int] = []
    real = WorkSheetParser.parse_row

    def spy(self: WorkSheetParser, row: object) -> tuple[int, list[dict[str, object]]]:
        number, cells = real(self, row)
        parsed.append(number)
        return number, cells

    monkeypatch.setattr(WorkSheetParser, "parse_row", spy)
    table = read_table(source)
    assert parsed == [1, 2, 3, 4, 10000, 15000, 15001, 20000]
    assert [(number, cells[2:5]) for number, cells in table.rows[3:]] == [
        (10000, ["DB41/T 9001-2021", "远处的标准", "现行"]),
        (15001, ["DB41/T 9002-2021", "没有行号的行", "现行"]),
        (20000, ["DB41/T 9003-2021", "公式的结果", "现行"]),
    ]
    code, out, err = run(str(source), "--into", str(catalog), "-q")
    assert code == 0, err
    assert "6 行" in out and "新建 6" in out
    assert load_catalog(catalog).get("DB41/T 9002-2021") is not None


def test_a_csv_with_many_empty_lines_reads_the_row_after_them_without_looking_at_each(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1 000 000 lines of ",,,,,,,,," (a formatted sheet saved as CSV) took 30 s: each of their cells was looked at
    # three times
    from gbstd.tabular import readers

    source = tmp_path / "t.csv"
    far = ["3", "302", "DB41/T 9001-2021", "远处的标准", "现行", "", "", "", "", ""]
    empty = b",,,,,,,,,\r\n"
    source.write_bytes(csv_bytes(ROWS) + empty * 50_000 + csv_bytes([far])[len(csv_bytes([])):] + empty * 1_000)
    looked = 0
    real = readers.cell_text

    def counting(value: object) -> str:
        nonlocal looked
        looked += 1
        return real(value)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "cell_text", counting)
    table = read_table(source)
    assert [(number, cells[2]) for number, cells in table.rows] == [
        (2, "GB/T 41568-2022"), (3, "DB41T 2144—2021"), (50_004, "DB41/T 9001-2021")]
    assert table.seen == 3
    assert looked < 1_000
    monkeypatch.undo()
    code, out, err = run(str(source), "--into", str(catalog), "-q")
    assert code == 0, err
    assert "新建 3" in out


def test_merged_header_cells_hidden_rows_and_data_right_of_the_header(catalog: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["河南省机关事务标准体系明细表"])
    sheet.merge_cells("A1:J1")
    # A two-row header: 日期 merged over 发布日期 and 实施日期, the other headers merged down over both rows.
    sheet.append([h if h not in ("发布日期", "实施日期") else None for h in HEADERS])
    sheet["F2"] = "日期"
    sheet.append([None] * 5 + ["发布日期", "实施日期"])
    for row in _numbered_rows(5):
        sheet.append(row)
    sheet.merge_cells("F2:G2")
    for letter in "ABCDEHIJ":
        sheet.merge_cells(f"{letter}2:{letter}3")
    sheet.merge_cells("B4:B6")  # one 体系编号 for the first three standards (B5, B6 are emptied)
    sheet.row_dimensions[5].hidden = True  # DB41/T 2-2021
    sheet["L6"] = "表头之外的批注"  # right of the last header, on DB41/T 3-2021's row
    source = tmp_path / "merged.xlsx"
    book.save(source)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    assert "5 行" in out and "新建 5" in out
    loaded = load_catalog(catalog)
    second = loaded.get("DB41/T 2-2021")  # hidden rows are data too
    assert second is not None and second.standard.module == "302"  # from the merged cell above
    assert str(second.standard.published) == "2021-08-01" and str(second.standard.effective) == "2021-09-13"
    third = loaded.get("DB41/T 3-2021")
    assert third is not None and third.standard.extra == {"列12": "表头之外的批注"}


def test_formula_without_a_saved_result_is_a_row_reason(catalog: Path, tmp_path: Path) -> None:
    rows = _numbered_rows(3)
    rows[1][3] = '="机关食堂"&"服务规范"'  # openpyxl saves formulas without results, as some writers do
    source = xlsx_file(tmp_path / "f.xlsx", rows)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1
    assert "新建 2，拒绝 1" in out
    assert "第3行 标准名称: 公式没有保存的计算结果" in err
    # With a saved result (as Excel writes it) the result is imported.
    saved = r'\1 t="str"\2\3<v>机关食堂服务规范</v>'
    _rewrite_sheet(source, lambda xml: re.sub(r'(<c r="D3")([^>]*>)(<f>.*?</f>)(?:<v>.*?</v>|<v\s*/>)?', saved, xml))
    # A formula whose saved result is empty text (=IF(…,"",…) as Excel saves it) is an empty cell, not a problem.
    empty = '<c r="J4" t="str"><f>IF(1,"","x")</f><v></v></c>'
    _rewrite_sheet(source, lambda xml: re.sub(r'<c r="J4"[^>]*?(?:/>|>.*?</c>)', lambda _: empty, xml, count=1))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    record = load_catalog(catalog).get("DB41/T 2-2021")
    assert record is not None and record.standard.title == "机关食堂服务规范"


def test_a_row_neither_imported_nor_rejected_is_an_error(catalog: Path, tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(ROWS))
    table = read_table(source)
    assert table.seen == 2
    table.rows = table.rows[:1]  # as if a reader or planner had lost a row
    with pytest.raises(TableError, match="saw 2 data rows but handled 1"):
        import_table(table, load_catalog(catalog), as_of=dt.date(2026, 11, 23))
    assert not (catalog / "records").exists() or not list((catalog / "records").rglob("*.yaml"))


def test_an_item_holding_a_separator_survives_an_unchanged_export(catalog: Path, tmp_path: Path) -> None:
    # One issuer written by hand as "甲、乙" is exported as that cell and read back as two names: an update from
    # the unchanged table added both halves beside the item (one item became three), with exit 0.
    text = ("code: GB/T 41568-2022\ntitle: 机关事务管理 术语\nstatus: 现行\neffective: 2022-04-15\nmodule: '101'\n"
            "issuer: [国家市场监督管理总局、国家标准化管理委员会]\ndrafters: [甲单位；乙单位, 丙单位]\n")
    table = tmp_path / "out.xlsx"
    existing = exported(catalog, "records/national/GB-T-41568-2022.yaml", text, table)
    code, out, _ = run(str(table), "--into", str(catalog), "--update")
    assert code == 0, out
    assert "无变化: records/national/GB-T-41568-2022.yaml" in out
    assert existing.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_name_holding_a_separator_survives_export_and_a_fresh_import(
    catalog: Path, tmp_path: Path, suffix: str
) -> None:
    # exported joined with 、, one drafter "甲、乙联合课题组" came back into a new catalog as two ("甲", "乙联合课题组"),
    # and a single issuer "甲、乙联合" as two issuers
    table = tmp_path / f"out{suffix}"
    exported(catalog, "records/national/GB-T-41568-2022.yaml",
             "code: GB/T 41568-2022\ntitle: 机关事务管理 术语\nstatus: 现行\neffective: 2022-04-15\nmodule: '101'\n"
             "issuer: [国家市场监督管理总局, 国家标准化管理委员会]\ndrafters: [甲、乙联合课题组, 丙；丁, 戊]\n", table)
    (catalog / "records/national/GB-T-41569-2022.yaml").write_text(
        "code: GB/T 41569-2022\ntitle: 机关事务管理 分类\nstatus: 现行\neffective: 2022-04-15\nmodule: '101'\n"
        "issuer: [甲、乙联合]\n", encoding="utf-8")
    assert runner.invoke(app, ["report", "catalog", str(catalog), "-o", str(table)]).exit_code == 0
    into = tmp_path / "into"
    assert runner.invoke(app, ["init", str(into)]).exit_code == 0
    code, out, err = run(str(table), "--into", str(into))
    assert code == 0, out + err
    records = {r.key: r.standard for r in load_catalog(into).records}
    assert records["GB/T 41568-2022"].issuer == ["国家市场监督管理总局", "国家标准化管理委员会"]
    assert records["GB/T 41568-2022"].drafters == ["甲、乙联合课题组", "丙；丁", "戊"]
    assert records["GB/T 41569-2022"].issuer == ["甲、乙联合"]
    # the usual list is still the one cell people type; only the ambiguous one is written one name per line
    again = tmp_path / f"again{suffix}"
    assert runner.invoke(app, ["report", "catalog", str(into), "-o", str(again)]).exit_code == 0
    if suffix == ".csv":
        assert again.read_bytes() == table.read_bytes()
        text = again.read_bytes().decode("utf-8-sig")
        assert ',"甲、乙联合课题组\n丙；丁\n戊",' in text and ',"甲、乙联合\n",' in text
        assert ",国家市场监督管理总局、国家标准化管理委员会," in text
    code, out, _ = run(str(again), "--into", str(into), "--update")
    assert code == 0 and out.count("无变化:") == 2


def test_codes_separated_as_people_type_them_come_through_whole(catalog: Path, tmp_path: Path) -> None:
    # a space, a fullwidth space or ﹔ between two codes left one item, kept as typed ("GB/T 1.1-2020 GB/T
    # 20000.1-2014"): a reference nothing resolves, and a replaced standard never marked replaced_by
    table = tmp_path / "t.csv"
    table.write_bytes(csv_bytes([["GB/T 9-2020", "机关保洁规范", "2020-10-01",
                                  "GB/T 9.1-2010\u3000GB/T 9.2-2012﹔GB/T 9.3-2014 idt ISO 9.3",
                                  "GB/T 1.1-2020 GB/T 20000.1-2014 和 T/CAGA 101-2022"]],
                                headers=["标准号", "标准名称", "实施日期", "代替标准", "引用标准"]))
    code, out, err = run(str(table), "--into", str(catalog))
    assert code == 0, out + err
    standard = load_catalog(catalog).get("GB/T 9-2020").standard  # type: ignore[union-attr]
    assert standard.replaces == ["GB/T 9.1-2010", "GB/T 9.2-2012", "GB/T 9.3-2014 idt ISO 9.3"]
    assert standard.references == ["GB/T 1.1-2020", "GB/T 20000.1-2014", "T/CAGA 101-2022"]


def test_a_code_with_a_colon_or_question_mark_is_written_so_lint_can_read_the_record(
    catalog: Path, tmp_path: Path
) -> None:
    # an adopted standard's code names the international one (GB/T 19001-2016/ISO 9001:2015): written plain in
    # the flow list, `[GB/T 19001-2016/ISO 9001:2015]`, the record was a YAML syntax error to lint (Y001)
    table = tmp_path / "t.csv"
    table.write_bytes(csv_bytes([["GB/T 9-2020", "机关保洁规范", "2020-10-01", "GB/T 19001-2016/ISO 9001:2015", "甲?乙"]],
                                headers=["标准号", "标准名称", "实施日期", "引用标准", "起草单位"]))
    assert run(str(table), "--into", str(catalog))[0] == 0
    table.write_bytes(csv_bytes([["GB/T 9-2020", "机关保洁规范", "2020-10-01", "IEC 60601-1:2005", "丙:丁"]],
                                headers=["标准号", "标准名称", "实施日期", "引用标准", "起草单位"]))
    assert run(str(table), "--into", str(catalog), "--update")[0] == 0  # appended to the lists the file has
    lint = runner.invoke(app, ["lint", str(catalog), "--format", "json", "--select", "Y", "--no-cache"])
    assert lint.exit_code == 0 and json.loads(lint.stdout) == [], lint.output
    standard = load_catalog(catalog).get("GB/T 9-2020").standard  # type: ignore[union-attr]
    assert standard.references == ["GB/T 19001-2016/ISO 9001:2015", "IEC 60601-1:2005"]
    assert standard.drafters == ["甲?乙", "丙:丁"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_name_holding_a_line_break_is_said_at_export_and_kept_by_replace_lists(
    catalog: Path, tmp_path: Path, suffix: str
) -> None:
    # a cell holds one name a line, so a name with a line break inside came back as two names: after a fresh
    # import and after import --update --replace-lists, without a word
    table = tmp_path / f"out{suffix}"
    name = "国家机关事务管理局\n机关事务管理研究中心"
    path = write_terms_record(catalog, 'drafters:\n  - "国家机关事务管理局\\n机关事务管理研究中心"\n  - 河南省标准化研究院\n')
    text = path.read_text(encoding="utf-8")
    for lang, said in (("zh", "GB/T 41568-2022 起草单位：名称 '国家机关事务管理局\\n机关事务管理研究中心' 含换行，"
                              "表格中一行一个名称，导入时会读作 2 个名称"),
                       ("en", "GB/T 41568-2022 Drafters: the name '国家机关事务管理局\\n机关事务管理研究中心' holds a line "
                              "break; the table holds one name a line, so an import reads it as 2 names")):
        assert said in export_warnings(catalog, table, lang)
    code, out, err = run(str(table), "--into", str(catalog), "--update", "--replace-lists", "--force")
    assert code == 0 and "无变化: records/national/GB-T-41568-2022.yaml" in out, out + err
    assert path.read_text(encoding="utf-8") == text
    if suffix == ".csv":  # a name added in the table: the list is replaced, the name with its line break kept
        table.write_bytes(table.read_bytes().replace("河南省标准化研究院".encode(), "河南省标准化研究院\n郑州大学".encode()))
        code, out, err = run(str(table), "--into", str(catalog), "--update", "--replace-lists", "--force")
        assert code == 0 and "更新: records/national/GB-T-41568-2022.yaml" in out, out + err
        assert load_catalog(catalog).get("GB/T 41568-2022").standard.drafters == [  # type: ignore[union-attr]
            name, "河南省标准化研究院", "郑州大学"]


def test_a_hand_typed_cell_with_line_breaks_is_one_name_a_line_and_says_so(catalog: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_bytes(csv_bytes([["1", "101", "GB/T 9-2020", "机关保洁规范", "现行", "2020-05-01", "2020-10-01", "",
                                  "河南省机关事务管理局；\n河南省标准化研究院、郑州大学\n", ""]]))
    code, out, err = run(str(table), "--into", str(catalog))
    assert code == 0
    assert load_catalog(catalog).get("GB/T 9-2020").standard.issuer == [  # type: ignore[union-attr]
        "河南省机关事务管理局", "河南省标准化研究院、郑州大学"]
    assert "发布部门：单元格分行书写，一行一项：“河南省标准化研究院、郑州大学” 含“、”或“；”，未再拆分" in out + err


def test_text_that_looks_like_an_xlsx_escape_survives_the_round_trip(catalog: Path, tmp_path: Path) -> None:
    # `report catalog` writes it with its underscore escaped (_x005F_x000D_), inline: read back, the escape
    # inside was decoded as a carriage return and the escaped underscore kept ("机关_x005F\r规范")
    table = tmp_path / "out.xlsx"
    exported(catalog, "records/national/GB-T-5-2020.yaml", "code: GB/T 5-2020\ntitle: 机关_x000D_规范\n"
             "status: 现行\neffective: 2020-10-01\nmodule: '101'\nscope: 第一行_x0041_字样，下划线_x005F_\n", table)
    into = tmp_path / "into"
    assert runner.invoke(app, ["init", str(into)]).exit_code == 0
    records = imported(table, into)
    assert records["GB/T 5-2020"].title == "机关_x000D_规范"
    assert records["GB/T 5-2020"].scope == "第一行_x0041_字样，下划线_x005F_"


def test_a_date_before_excels_first_day_survives_the_round_trip(catalog: Path, tmp_path: Path) -> None:
    # written as a date cell, 1899-12-31 came back as a time of day (the import refused it) and 1850-05-05 as
    # 1850-05-04: Excel counts days from 1900-01-01. Such a date is written as its text, read back the same.
    table = tmp_path / "out.xlsx"
    exported(catalog, "records/national/GB-T-7-1850.yaml", "code: GB/T 7-1850\ntitle: 机关旧制规范\n"
             "status: 现行\npublished: 1850-05-05\neffective: 1899-12-31\nmodule: '101'\n", table)
    cells = {row[2]: row for row in load_workbook(table).active.iter_rows(min_row=2, values_only=True)}
    headers = [cell.value for cell in next(load_workbook(table).active.iter_rows(max_row=1))]
    row = cells["GB/T 7-1850"]
    assert (row[headers.index("发布日期")], row[headers.index("实施日期")]) == ("1850-05-05", "1899-12-31")
    into = tmp_path / "into"
    assert runner.invoke(app, ["init", str(into)]).exit_code == 0
    standard = imported(table, into)["GB/T 7-1850"]
    assert (standard.published, standard.effective) == (dt.date(1850, 5, 5), dt.date(1899, 12, 31))


def test_a_lower_case_x005f_is_text_not_an_escape(catalog: Path, tmp_path: Path) -> None:
    # Excel escapes an underscore as _x005F_ only: read as one, 字段名_x005f_说明 lost its escape-like text
    import xlsxwriter

    source = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet()
    for column, value in enumerate(["标准号", "标准名称", "状态", "实施日期"]):
        sheet.write_string(0, column, value)
    for column, value in enumerate(["DB41/T 102-2023", "字段名_x005f_说明", "现行", "2023-09-01"]):
        sheet.write_string(1, column, value)
    book.close()
    assert run(str(source), "--into", str(catalog))[0] == 0
    assert {r.key: r.title for r in load_catalog(catalog).records}["DB41/T 102-2023"] == "字段名_x005f_说明"


def test_a_new_row_lint_will_report_is_written_and_said_at_its_row(catalog: Path, tmp_path: Path) -> None:
    # written as new records without a word, then `gbstd lint` failed on them: a code year that is not the
    # publication year (C005), a module the system does not have (C016); a row without a module says nothing
    table = tmp_path / "t.csv"
    table.write_text("标准号,标准名称,状态,发布日期,实施日期,体系编号\n"
                     "DB41/T 9003-2020,机关保洁规范,现行,2025-01-02,2025-02-03,302\n"
                     "DB41/T 9005-2025,机关会议服务规范,现行,2025-01-02,2025-03-01,999\n"
                     "DB41/T 9006-2025,机关茶歇规范,现行,2025-01-02,2025-03-01,\n", encoding="utf-8")
    code, out, err = run(str(table), "--into", str(catalog))
    said = " ".join((out + err).split())
    assert code == 0 and len(list(catalog.rglob("DB41-T-900*.yaml"))) == 3  # as the table says
    assert "发布日期: C005 标准号年份 2020 与发布日期 2025-01-02 不一致（gbstd lint 将报告此错误）" in said
    assert "体系编号: C016 体系编号 999 不在标准体系中" in said
    assert said.count("gbstd lint 将报告此错误") == 2


def test_a_fullwidth_module_is_imported_in_ascii_and_lint_names_one_in_a_file(catalog: Path, tmp_path: Path) -> None:
    # 体系编号 typed with a Chinese input method (３０２, a fullwidth space after it) was written as typed:
    # module 302 in every figure but the record's own, which lint then called a module the system lacks
    source = xlsx_file(tmp_path / "t.xlsx", [["1", "３０２\u3000", "DB41/T 9007-2025", "机关洗衣规范", "现行",
                                              "2025-01-02", "2025-03-01", "", "", ""]])
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0 and "C016" not in out + err
    path = catalog / "records/local/DB41-T-9007-2025.yaml"
    assert "module: '302'" in path.read_text(encoding="utf-8").replace('"', "'")
    assert run(str(source), "--into", str(catalog), "--update")[0] == 0  # the same row again: nothing differs
    assert "module: '302'" in path.read_text(encoding="utf-8").replace('"', "'")
    # a record file holding the fullwidth spelling (written by hand) is a C016 error naming the ASCII one
    path.write_text(path.read_text(encoding="utf-8").replace("'302'", "'３０２'").replace('"302"', "'３０２'"),
                    encoding="utf-8")
    result = runner.invoke(app, ["lint", str(catalog), "--select", "C016", "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "体系编号 '３０２' 应写作半角的 '302'" in " ".join(result.output.split())
    english = runner.invoke(app, ["lint", str(catalog), "--select", "C016", "--as-of", AS_OF, "--lang", "en"])
    assert "module '３０２' should be written '302' in ASCII" in " ".join(english.output.split())


def test_a_module_with_a_space_inside_is_refused_at_its_row(catalog: Path, tmp_path: Path) -> None:
    # ２　０３ (an ideographic space inside) was written as module '2 03', said only as C016's "not in the system":
    # 203 or 2.03 cannot be told, so the row is refused with the value as typed
    source = xlsx_file(tmp_path / "t.xlsx", [["1", "２\u3000０３", "DB41/T 9007-2025", "机关洗衣规范", "现行",
                                              "2025-01-02", "2025-03-01", "", "", ""],
                                             ["2", "3 02", "DB41/T 9008-2025", "机关绿化规范", "现行",
                                              "2025-01-02", "2025-03-01", "", "", ""],
                                             ["3", "３０２\u3000", "DB41/T 9009-2025", "机关保洁规范", "现行",
                                              "2025-01-02", "2025-03-01", "", "", ""]])
    code, out, err = run(str(source), "--into", str(catalog))
    said = " ".join((out + err).split())
    assert code == 1
    # the value as typed, its ideographic space shown as an escape (it is invisible)
    assert "第2行 体系编号: '２\\u3000０３' 中间有空格（读作 '2 03'），体系编号不含空格：是 203 还是 2.03？请在表中改正" in said
    assert "第3行 体系编号: '3 02' 中间有空格" in said
    assert [r.key for r in load_catalog(catalog).records] == ["DB41/T 9009-2025"]  # a space around it is no matter
    code, out, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert ("row 3, 体系编号: '3 02' has a space inside (read as '3 02'); a module number holds none: 302 or 3.02? "
            "correct it in the table") in " ".join((out + err).split())


def test_xlsx_escapes_are_decoded_as_excel_shows_them(catalog: Path, tmp_path: Path) -> None:
    # Excel (and XlsxWriter) store a carriage return or another control character in a cell as _x000D_:
    # read as it was, the escape ended up in the record. Other text that looks like one is left alone.
    import xlsxwriter

    source = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet()
    for column, value in enumerate(["标准号", "标准名称", "状态", "实施日期", "适用范围"]):
        sheet.write_string(0, column, value)
    row = ["DB41/T 101-2023", "名称_x0041_字样", "现行", "2023-09-01", "第一行_x000D_\n第二_x000B_行"]
    for column, value in enumerate(row):
        sheet.write_string(1, column, value)  # the file's text as Excel stores it (written unchanged)
    book.close()
    records = imported(source, catalog)
    assert records["DB41/T 101-2023"].title == "名称_x0041_字样"
    # (Word's manual line break, pasted as _x000B_, is a line break: a vertical tab is a Y008 error in a record)
    assert records["DB41/T 101-2023"].scope == "第一行\n第二\n行"


def test_a_hidden_first_sheet_is_passed_over_and_a_wrong_sheet_names_the_others(catalog: Path, tmp_path: Path) -> None:
    # Workbooks often keep a hidden lookup sheet first: it was read as "the first sheet", and the error ("no
    # header row") named no sheet and did not mention --sheet.
    book = Workbook()
    hidden = book.active
    hidden.title = "代码表"
    hidden["A1"] = "国家标准"
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("明细表")
    sheet.append(["标准号", "标准名称", "状态", "实施日期"])
    sheet.append(["DB41/T 111-2023", "机关食堂服务规范", "现行", "2023-09-01"])
    source = tmp_path / "hidden.xlsx"
    book.save(source)
    code, out, _ = run(str(source), "--into", str(catalog))
    assert code == 0 and "records/local/DB41-T-111-2023.yaml" in out
    hidden.sheet_state = "visible"
    book.save(source)
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    message = " ".join(err.split())
    assert code == 2 and "sheet '代码表'" in message and "other sheets: 明细表 (choose one with --sheet)" in message


def test_extra_keys_that_read_as_columns_come_back_as_extra_keys(catalog: Path, tmp_path: Path) -> None:
    # An extra key 说明 (another name of the 备注 column) was exported as a 说明 column, and the table was then
    # refused whole: "备注 and 说明 are the same column".
    table = tmp_path / "t.xlsx"
    source = exported(catalog, "records/local/DB41-T-5-2023.yaml", "code: DB41/T 5-2023\ntitle: 机关食堂服务规范\n"
                      "status: 现行\neffective: 2023-09-01\nnote: 备注内容\nextra:\n  说明: 额外说明\n  Code: 另一个\n"
                      "  联系人: 张三\n", table)
    headers = [cell.value for cell in next(load_workbook(table).active.iter_rows(max_row=1))]
    assert {"附加:说明", "附加:Code", "联系人"} <= set(headers)
    source.unlink()
    code, out, _ = run(str(table), "--into", str(catalog))
    assert code == 0, out
    standard = {r.key: r.standard for r in load_catalog(catalog).records}["DB41/T 5-2023"]
    assert standard.extra == {"说明": "额外说明", "Code": "另一个", "联系人": "张三"}
    assert standard.note == "备注内容"


def test_a_csv_that_is_not_one_says_what_it_is(catalog: Path, tmp_path: Path) -> None:
    # An XLSX saved as .csv, and a UTF-8 file with one line in another encoding, both got "cannot tell the
    # CSV's encoding" with nothing to go on.
    source = tmp_path / "t.csv"
    xlsx_file(tmp_path / "real.xlsx", ROWS)
    source.write_bytes((tmp_path / "real.xlsx").read_bytes())
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 2 and "this is an XLSX (ZIP) file, not a CSV: rename it to .xlsx" in " ".join(err.split())
    source.write_bytes(csv_bytes(ROWS) + b"3,101,GB/T 3-2020,\x81\n")
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 2 and "line 4 has bytes that are not UTF-8" in " ".join(err.split())


def test_multi_line_values_keep_their_lines_through_a_record_file() -> None:
    # A Windows line break in a CSV cell made a double-quoted "\r\n" value; NEL in a block came back as \n.
    import io

    from ruamel.yaml import YAML

    from gbstd.catalog.newrecord import yaml_value

    for value, expected in (("第一行\r\n第二行", "第一行\n第二行"), ("甲\x85乙\n丙", "甲\x85乙\n丙"),
                            ("甲\u2028乙\n丙", "甲\u2028乙\n丙"), ("甲\n乙", "甲\n乙")):
        buffer = io.StringIO()
        YAML().dump({"scope": yaml_value("scope", value)}, buffer)
        assert YAML(typ="safe").load(buffer.getvalue())["scope"] == expected
        assert "\\r" not in buffer.getvalue()


def test_a_line_separator_in_a_one_line_cell_is_written_as_an_escape(catalog: Path, tmp_path: Path) -> None:
    # A one-line value was dumped as it is ('机关事务管理\u2028  术语', folded with an indent): a line break to
    # lint's reader (Y013) and text plus two spaces to YAML 1.2, so the imported record failed lint.
    source = tmp_path / "list.csv"
    rows = [[*ROWS[0][:3], "机关事务管理\u2028术语\u2029（试行）", *ROWS[0][4:]]]
    source.write_bytes(csv_bytes(rows))
    code, _, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 0, err
    text = (catalog / "records" / "national" / "GB-T-41568-2022.yaml").read_text(encoding="utf-8")
    assert 'title: "机关事务管理\\L术语\\P（试行）"\n' in text and "\u2028" not in text and "\u2029" not in text
    findings = runner.invoke(app, ["lint", str(catalog), "--format", "json", "--select", "Y", "--no-cache"])
    assert findings.exit_code == 0 and json.loads(findings.stdout) == [], findings.output


def test_extra_headers_never_take_a_column_the_table_uses() -> None:
    from gbstd.tabular.columns import explicit_extra, extra_header

    assert extra_header("联系人", "zh") == "联系人"
    for key in ("说明", "Code", "", "成员", "Member", "附加:x"):  # a column, no header, the member column, a marker
        header = extra_header(key, "zh")
        assert header.startswith("附加:") and explicit_extra(header) == key


def test_a_windows_line_break_in_a_cell_is_no_change_on_update(catalog: Path, tmp_path: Path) -> None:
    # A CSV saved on Windows (Notepad, git's autocrlf) has CRLF inside quoted cells: the record was written with
    # LF, so importing the same file again with --update reported a conflict no one could see.
    source = tmp_path / "crlf.csv"
    source.write_bytes('标准号,标准名称,适用范围\r\nDB41/T 2144-2021,"机关食堂\r\n服务规范","第一行\r\n第二行"\r\n'.encode())
    assert run(str(source), "--into", str(catalog))[0] == 0
    path = catalog / "records/local/DB41-T-2144-2021.yaml"
    before = path.read_bytes()
    code, out, _ = run(str(source), "--into", str(catalog), "--update")
    assert code == 0 and "无变化 1" in out
    assert path.read_bytes() == before
    standard = load_catalog(catalog).records[0].standard
    assert standard.title == "机关食堂服务规范" and standard.scope == "第一行\n第二行"  # a name is one line (C019)


def test_a_file_name_taken_by_another_standard_is_not_merged_into(catalog: Path, tmp_path: Path) -> None:
    # The file a new row's code names held another standard (named by hand): the row's values were merged
    # into that standard's record, and --force overwrote its code and title.
    other = catalog / "records/local/DB41-T-2144-2021.yaml"
    other.parent.mkdir(parents=True)
    other.write_text(record("DB41/T 9999-2021", "另一个标准"), encoding="utf-8")
    before = other.read_bytes()
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(ROWS))
    for flags in ((), ("--update",), ("--update", "--force")):
        code, _, err = run(str(source), "--into", str(catalog), *flags)
        assert code == 1 and other.read_bytes() == before
        assert "第3行 标准号: 文件 records/local/DB41-T-2144-2021.yaml 已存在，记录的是 DB41/T 9999-2021" in err


def test_other_sheets_holding_a_table_are_named_not_passed_over_quietly(catalog: Path, tmp_path: Path) -> None:
    # One sheet per tier is common: only the first was read, and nothing said the others were left out.
    book = xlsx_book([["1", "101", "GB/T 41568-2022", "机关事务管理 术语", "现行", "2022-04-15"]])
    local = book.create_sheet("地方标准")
    local.append(["某局标准明细"])
    local.append(["标准编号", "名称"])
    local.append(["DB41/T 2144-2021", "机关食堂服务规范"])
    book.create_sheet("说明").append(["填表说明"])
    source = tmp_path / "sheets.xlsx"
    book.save(source)
    code, _, err = run(str(source), "--into", str(catalog), "--dry-run")
    assert code == 0 and "其他工作表也有标准号列，未读取：地方标准（" in err and "说明" not in err
    code, _, err = run(str(source), "--into", str(catalog), "--dry-run", "--sheet", "地方标准")
    assert code == 0 and "未读取" not in err


@pytest.mark.parametrize("damage", ["cut", "styles", "other sheet"])
def test_a_damaged_workbook_is_one_line_exit_2(catalog: Path, tmp_path: Path, damage: str) -> None:
    # openpyxl reads a sheet's XML (and a second sheet's) only as its rows are asked for: a sheet cut short or a
    # styles part that is not XML ended the import with a Python traceback.
    book = xlsx_book(ROWS)
    book.create_sheet("其他").append(["标准号", "标准名称"])
    source = tmp_path / "damaged.xlsx"
    book.save(source)
    part = {"cut": "xl/worksheets/sheet1.xml", "styles": "xl/styles.xml", "other sheet": "xl/worksheets/sheet2.xml"}
    with zipfile.ZipFile(source) as original:
        members = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, data[: len(data) // 2] if info.filename == part[damage] else data)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 2 and "Traceback" not in out + err
    assert err.startswith("gbstd: 无法读取 XLSX 文件 damaged.xlsx：")
    assert not (catalog / "records").exists() or not any((catalog / "records").rglob("*.yaml"))


def _without_part(path: Path, part: str) -> None:
    """Take ``part`` out of the XLSX at ``path``, leaving the workbook listing its sheet (a corrupt file)."""
    with zipfile.ZipFile(path) as original:
        members = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename != part:
                target.writestr(info, data)


@pytest.mark.parametrize("sheets", [1, 2])
def test_a_sheet_whose_part_is_missing_is_named_exit_2(catalog: Path, tmp_path: Path, sheets: int) -> None:
    # openpyxl leaves a listed sheet whose XML is not in the zip out without a word: the second sheet was
    # imported as if it were the table (or, with no other sheet, a traceback)
    book = xlsx_book(ROWS)
    if sheets == 2:
        book.create_sheet("其他").append(["标准号", "标准名称", "状态"])
        book["其他"].append(["GB/T 9-2020", "别的标准", "现行"])
    source = tmp_path / "damaged.xlsx"
    book.save(source)
    _without_part(source, "xl/worksheets/sheet1.xml")
    for lang, said in (("zh", "gbstd: XLSX 文件 damaged.xlsx 已损坏：工作表“明细表”（xl/worksheets/sheet1.xml）的内容不在文件中"),
                       ("en", "gbstd: XLSX file damaged.xlsx is damaged: the part of sheet '明细表' "
                              "(xl/worksheets/sheet1.xml) is missing from the file")):
        code, out, err = run(str(source), "--into", str(catalog), "--lang", lang)
        assert code == 2 and "Traceback" not in out + err and out == ""
        assert err.startswith(said) and len(err.strip().splitlines()) == 1
        assert ("其余工作表可用 --sheet 读取：其他" in err or "the others can be read with --sheet: 其他" in err) == (sheets == 2)
        assert not (catalog / "records").exists() or not any((catalog / "records").rglob("*.yaml"))
        code, _, err = run(str(source), "--into", str(catalog), "--lang", lang, "--sheet", "明细表")
        assert code == 2 and err.startswith(said)
    if sheets == 2:  # the sheet still there is read when it is named
        assert run(str(source), "--into", str(catalog), "--sheet", "其他")[0] == 0
        assert [r.key for r in load_catalog(catalog).records] == ["GB/T 9-2020"]


def test_a_missing_part_of_another_sheet_refuses_the_file_unless_a_sheet_is_named(
    catalog: Path, tmp_path: Path
) -> None:
    # a sheet that cannot be looked at might hold the table: with no sheet named, it is not passed over unseen
    book = xlsx_book(ROWS)
    book.create_sheet("其他").append(["标准号", "标准名称", "状态"])
    source = tmp_path / "damaged.xlsx"
    book.save(source)
    _without_part(source, "xl/worksheets/sheet2.xml")
    code, _, err = run(str(source), "--into", str(catalog), "--dry-run")
    assert code == 2 and "工作表“其他”（xl/worksheets/sheet2.xml）的内容不在文件中" in err
    assert "其余工作表可用 --sheet 读取：明细表" in err
    assert run(str(source), "--into", str(catalog), "--sheet", "明细表")[0] == 0
    assert len(load_catalog(catalog).records) == 2


def _edit_part(path: Path, part: str, edit: Callable[[str], str]) -> None:
    """Rewrite the text of ``part`` in the XLSX at ``path``."""
    with zipfile.ZipFile(path) as original:
        members = [(info, original.read(info.filename)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, edit(data.decode("utf-8")).encode("utf-8") if info.filename == part else data)


@pytest.mark.parametrize("damage", ["no relationship", "no id"])
def test_a_sheet_the_workbook_cannot_find_is_named_exit_2(catalog: Path, tmp_path: Path, damage: str) -> None:
    # a sheet whose relationship is not in xl/_rels/workbook.xml.rels was "cannot read XLSX file: 'rId1'"; one
    # listed without an id was dropped by openpyxl with a Python warning only, and the next sheet imported
    book = xlsx_book(ROWS)
    book.create_sheet("其他").append(["标准号", "标准名称", "状态"])
    book["其他"].append(["GB/T 9-2020", "别的标准", "现行"])
    source = tmp_path / "damaged.xlsx"
    book.save(source)
    if damage == "no relationship":
        _edit_part(source, "xl/_rels/workbook.xml.rels", lambda text: re.sub(r'<Relationship [^>]*Id="rId1"[^>]*/>', "", text))
        said = ("gbstd: XLSX 文件 damaged.xlsx 已损坏：工作表“明细表”在 xl/_rels/workbook.xml.rels 中没有登记（rId1），找不到其内容",
                "gbstd: XLSX file damaged.xlsx is damaged: sheet '明细表' has no entry (rId1) in xl/_rels/workbook.xml.rels, "
                "so its part cannot be found")
    else:
        _edit_part(source, "xl/workbook.xml", lambda text: re.sub(r'(name="明细表"[^>]*?) r:id="rId1"', r"\1", text))
        said = ("gbstd: XLSX 文件 damaged.xlsx 已损坏：工作表“明细表”在 xl/workbook.xml 中没有关系编号（r:id），找不到其内容",
                "gbstd: XLSX file damaged.xlsx is damaged: sheet '明细表' has no relationship id (r:id) in xl/workbook.xml, "
                "so its part cannot be found")
    for lang, expected in zip(("zh", "en"), said, strict=True):
        code, out, err = run(str(source), "--into", str(catalog), "--lang", lang)
        assert code == 2 and out == "" and "Traceback" not in err and "Warning" not in err
        assert err.startswith(expected) and len(err.strip().splitlines()) == 1, err
        assert ("其余工作表可用 --sheet 读取：其他" in err) == (lang == "zh")
        code, _, err = run(str(source), "--into", str(catalog), "--lang", lang, "--sheet", "明细表")
        assert code == 2 and err.startswith(expected)
    assert not (catalog / "records").exists() or not any((catalog / "records").rglob("*.yaml"))
    assert run(str(source), "--into", str(catalog), "--sheet", "其他")[0] == 0  # the sheet still there is read
    assert [r.key for r in load_catalog(catalog).records] == ["GB/T 9-2020"]


def test_a_change_line_shows_a_name_holding_a_line_break_escaped(catalog: Path, tmp_path: Path) -> None:
    # old → new printed the name raw: its line break split the change line in two, the second half looking
    # like an output line of its own
    text = ("code: GB/T 41568-2022\ntitle: 机关事务管理 术语\nstatus: 现行\neffective: 2022-04-15\nmodule: '101'\n"
            'drafters:\n  - "国家机关事务管理局\\n机关事务管理研究中心"\n')
    path = catalog / "records/national/GB-T-41568-2022.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_bytes(csv_bytes([["GB/T 41568-2022", "机关事务管理 术语", "河南省标准化研究院"]],
                                headers=["标准号", "标准名称", "起草单位"]))
    code, out, err = run(str(table), "--into", str(catalog), "--update", "--dry-run")
    assert code == 0, out + err
    changes = [line for line in out.splitlines() if line.startswith("  ")]
    assert changes == ["  drafters: '国家机关事务管理局\\n机关事务管理研究中心' → "
                       "'国家机关事务管理局\\n机关事务管理研究中心'、河南省标准化研究院"], out


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_code_list_item_holding_a_separator_is_said_at_export(catalog: Path, tmp_path: Path, suffix: str) -> None:
    # the cell joins a code list with "；" and an import splits it on every separator: an item typed by hand
    # as "GB/T 1-2000, GB/T 2-2000" came back as two items, without a word
    table = tmp_path / f"out{suffix}"
    write_terms_record(catalog, "replaces:\n  - GB/T 1-2000, GB/T 2-2000\nreferences: [GB/T 3-2000]\n")
    for lang, said in (("zh", "GB/T 41568-2022 代替标准：条目 'GB/T 1-2000, GB/T 2-2000' 含分隔符，"
                              "导入时会读作 2 个标准号"),
                       ("en", "GB/T 41568-2022 Replaces: the item 'GB/T 1-2000, GB/T 2-2000' holds a separator; "
                              "an import reads it as 2 codes")):
        warnings = export_warnings(catalog, table, lang)
        assert said in warnings
        assert "GB/T 3-2000" not in warnings  # an item that reads back as itself is not named


def write_terms_record(catalog: Path, lists: str) -> Path:
    """GB/T 41568-2022's record file in ``catalog``, with ``lists`` (YAML) after its fields."""
    path = catalog / "records/national/GB-T-41568-2022.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("code: GB/T 41568-2022\ntitle: 机关事务管理 术语\nstatus: 现行\neffective: 2022-04-15\n"
                    f"module: '101'\n{lists}", encoding="utf-8")
    return path


def export_warnings(catalog: Path, table: Path, lang: str) -> str:
    """What ``report catalog -o table`` says on stderr (exit 0), its line breaks as spaces."""
    result = runner.invoke(app, ["report", "catalog", str(catalog), "-o", str(table), "--lang", lang])
    assert result.exit_code == 0, result.output
    return " ".join(result.stderr.split())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_formula_error_value_is_a_row_reason_not_data(catalog: Path, tmp_path: Path, suffix: str) -> None:
    # A VLOOKUP that found nothing shows #N/A, and Excel saves that as the cell's value (and writes it to a CSV):
    # it was imported as the record's title and issuer.
    rows = _numbered_rows(3)
    rows[0][3], rows[0][8] = "#N/A", "#REF!"
    rows[1][9] = "#VALUE!"  # 备注
    source = tmp_path / f"errors{suffix}"
    if suffix == ".xlsx":
        xlsx_file(source, rows)
        assert load_workbook(source)["明细表"]["D2"].data_type == "e"  # an error cell, as Excel writes one
    else:
        source.write_bytes(csv_bytes(rows, "gbk"))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1
    assert "新建 1，拒绝 2" in out
    assert "第2行 标准名称: #N/A 是公式的错误值" in err and "第2行 发布部门: #REF! 是公式的错误值" in err
    assert "第3行 备注: #VALUE! 是公式的错误值" in err
    assert [p.name for p in (catalog / "records").rglob("*.yaml")] == ["DB41-T-3-2021.yaml"]


def test_invisible_characters_are_dropped_when_zero_width_and_refused_otherwise(catalog: Path, tmp_path: Path) -> None:
    # Text pasted from a web page brings zero-width spaces: the code was refused as unrecognisable and a title
    # holding one was written into a record that lint then reported as an error (Y008).
    rows = _numbered_rows(2)
    rows[0][2], rows[0][3] = "\u200bDB41/T 1-2021", "机关食堂\u200b服务规范\ufeff"
    rows[1][8] = "河南省\u202e局"  # an override shows other text than it holds: as `gbstd new`, refused
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1
    assert "标准号：删去了不可见的零宽字符 U+200B" in out and "标准名称：删去了不可见的零宽字符 U+200B U+FEFF" in out
    assert "第3行 发布部门: 含不可见字符 U+202E" in err
    loaded = load_catalog(catalog)
    first = loaded.get("DB41/T 1-2021")
    assert first is not None and first.standard.title == "机关食堂服务规范"
    assert loaded.get("DB41/T 2-2021") is None
    lint = runner.invoke(app, ["lint", "-C", str(catalog), "--select", "Y008", "--format", "json"])
    assert json.loads(lint.stdout) == []


def test_a_serial_in_a_workbook_dated_from_1904_is_read_from_1904(catalog: Path, tmp_path: Path) -> None:
    # A Mac Excel workbook counts days from 1904-01-01: a date column whose format was lost holds those serials,
    # and they were read as days from 1899-12-30, four years and a day early, with no word.
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    rows = _numbered_rows(1)
    rows[0][5], rows[0][6] = 43677, "43720"  # 2023-08-01 and 2023-09-13 from 1904; a date cell stays a date
    book = xlsx_book(rows)
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["2", "302", "DB41/T 2-2021", "第二", "现行", dt.date(2021, 8, 1), dt.date(2021, 9, 13)])
    source = tmp_path / "mac.xlsx"
    book.save(source)
    code, _, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    first, second = load_catalog(catalog).get("DB41/T 1-2021"), load_catalog(catalog).get("DB41/T 2-2021")
    assert first is not None and second is not None
    assert (first.standard.published, first.standard.effective) == (dt.date(2023, 8, 1), dt.date(2023, 9, 13))
    assert (second.standard.published, second.standard.effective) == (dt.date(2021, 8, 1), dt.date(2021, 9, 13))


@pytest.mark.parametrize("cell", ["DB41/T 1-2021 DB41/T 2-2021", "DB41/T 1-2021\nDB41/T 2-2021", "DB41/T 1-2021、DB41T 2—2021"])
def test_two_codes_in_the_code_cell_are_named_as_such(catalog: Path, tmp_path: Path, cell: str) -> None:
    # The row was refused with the code pattern's reason ("地方标准号应为 DB+2或4位行政区划代码"), which is not
    # what is wrong: the cell holds two standards.
    rows = _numbered_rows(1)
    rows[0][2] = cell
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes(rows))
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1 and "拒绝 1" in out
    assert "是 2 个标准号（DB41/T 1-2021、DB41/T 2-2021）；一行只能是一项标准，请拆成 2 行" in err
    assert "行政区划代码" not in err


def test_totals_and_notes_rows_are_said_and_skipped_not_rejected(catalog: Path, tmp_path: Path) -> None:
    # A bureau's table ends in a 合计 row and a 备注/说明 row (sometimes a 小计 per module): they were refused as
    # standards without a code ("标准号: 不能为空"), so every import of such a table ended with exit 1.
    rows = _numbered_rows(2)
    foot = [["小　计", "", "", "2项"], ["合计", "", "", "共2项"], ["备注：本表由办公室编制", "", ""], ["", "注1.状态截至年底"]]
    draft = ["3", "302", "", "说明书编写规范"]  # a draft without a code whose title starts like a note: refused
    book = xlsx_book([rows[0], foot[0], rows[1], draft, *foot[1:]], title_row="河南省机关事务标准体系明细表")
    source = tmp_path / "t.xlsx"
    book.save(source)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 1  # the draft
    assert "新建 2，拒绝 1，跳过 4" in out
    assert "第4行 “小　计”是合计或说明行，不是标准，未导入" in err
    assert "第7行 “合计”是合计或说明行" in err and "第8行 “备注：本表由办公室编制”是合计或说明行" in err
    assert "第9行 “注1.状态截至年底”是合计或说明行" in err and "第6行 标准号: 不能为空" in err
    book.active.delete_rows(6)  # without the draft: every row a standard or a totals row, exit 0
    book.save(source)
    code, out, err = run(str(source), "--into", str(catalog), "--lang", "en")
    assert code == 0, err
    assert "unchanged 2, skipped 4" in out and "row 7: '备注：本表由办公室编制' is a totals or notes row" in err


def test_a_merged_cell_over_empty_rows_leaves_them_empty(catalog: Path, tmp_path: Path) -> None:
    # One 体系编号 merged over its block of standards, a spacer row inside and two rows kept free for standards
    # to come: the merged value made each empty row a row refused for its empty 标准号 (exit 1).
    rows: list[list[object]] = [*_numbered_rows(2)]
    book = xlsx_book([rows[0], [], rows[1], [], []])
    sheet = book.active
    sheet.merge_cells("B2:B6")
    source = tmp_path / "t.xlsx"
    book.save(source)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    assert "2 行" in out and "新建 2" in out and "拒绝" not in out
    second = load_catalog(catalog).get("DB41/T 2-2021")
    assert second is not None and second.standard.module == "302"  # the merged value still reaches a standard


def test_a_name_wrapped_by_hand_in_its_cell_is_joined_into_one_line(catalog: Path, tmp_path: Path) -> None:
    # Alt+Enter in a narrow Excel column: the record's title was written as a two-line block, which lint passed
    # and the bulletin printed broken; now the lines are joined (no space between Chinese), said at the row
    rows = _numbered_rows(2)
    rows[0][3] = "机关食堂服务\n规范第1部分"
    rows[1][3] = "Office building\r\nmanagement  \n  第2部分"
    source = xlsx_file(tmp_path / "wrapped.xlsx", rows)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    assert "标准名称：单元格中的换行已合并为一行：机关食堂服务规范第1部分" in out
    loaded = load_catalog(catalog)
    first, second = loaded.get("DB41/T 1-2021"), loaded.get("DB41/T 2-2021")
    assert first is not None and first.standard.title == "机关食堂服务规范第1部分"
    assert second is not None and second.standard.title == "Office building management第2部分"
    lint = runner.invoke(app, ["lint", "-C", str(catalog), "--select", "C019", "--format", "json"])
    assert json.loads(lint.stdout) == []
    # the scope and the note keep their lines; a name typed on one line gets no note
    assert out.count("合并为一行") == 2


def test_one_line_joins_wide_scripts_without_a_space_and_others_with_one() -> None:
    from gbstd.tabular.cells import one_line

    assert one_line("机关办公用房\n维修管理规范") == "机关办公用房维修管理规范"
    assert one_line("Office\r\nbuilding\rmanagement") == "Office building management"
    assert one_line("GB/T 1\n（第1部分）") == "GB/T 1（第1部分）"  # a full-width bracket is wide
    assert one_line("\n 机关 \n\n") == "机关"
    assert one_line("") == ""


CRLF_BOM_FILE = (
    "\ufeff# yaml-language-server: $schema=../../schemas/standard.schema.json\r\n"
    "# 河南省地方标准（人工维护的注释）\r\n"
    "code: DB41/T 2144-2021\r\n"
    "title: 旧名称\r\n"
    "status: 现行  # 待核\r\n"
    "effective: 2021-09-13\r\n"
    "issuer: [河南省市场监督管理局]\r\n"
    "sources:\r\n"
    "  - https://example.org/db41-2144\r\n"
)


def test_update_keeps_the_files_crlf_and_bom(catalog: Path, tmp_path: Path) -> None:
    # A record saved on Windows (CRLF, often a BOM) was written back with LF and no BOM: the data was the same,
    # yet every line showed as changed in a diff (fmt keeps the line ends, review add both).
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(CRLF_BOM_FILE.encode())
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范"]], headers=["标准号", "标准名称"]))
    code, out, _ = run(str(source), "--into", str(catalog), "--update", "--force")
    assert code == 0 and "更新 1" in out, out
    assert existing.read_bytes() == CRLF_BOM_FILE.replace("title: 旧名称", "title: 机关食堂服务规范").encode()
    # a row that changes nothing leaves the file byte for byte as it is
    before = existing.read_bytes()
    code, out, _ = run(str(source), "--into", str(catalog), "--update")
    assert code == 0 and "无变化 1" in out, out
    assert existing.read_bytes() == before


@pytest.mark.parametrize("shape", ["no final newline", "mixed"])
def test_update_is_a_minimal_edit_of_the_files_line_ends(catalog: Path, tmp_path: Path, shape: str) -> None:
    # import --update added a final newline the file did not have (a line changed in every diff, as `review add`
    # and the web editor never did) and wrote a file mixing CRLF and LF all in its most frequent end
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    text = CRLF_BOM_FILE.removeprefix("\ufeff")
    if shape == "no final newline":
        text = "\ufeff" + text.removesuffix("\r\n")
    else:  # the comment lines and the status in CRLF, the rest LF (the title, which changes, too)
        text = text.replace("\r\n", "\n").replace("\n", "\r\n", 2).replace("待核\n", "待核\r\n")
    existing.write_bytes(text.encode())
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范"]], headers=["标准号", "标准名称"]))
    code, out, _ = run(str(source), "--into", str(catalog), "--update", "--force")
    assert code == 0 and "更新 1" in out, out
    assert existing.read_bytes() == text.replace("title: 旧名称", "title: 机关食堂服务规范").encode()


def test_replaced_by_completed_in_a_crlf_file_keeps_its_line_ends_and_bom(catalog: Path, tmp_path: Path) -> None:
    # the file a row replaces, outside the table, is read and written back by another path than a row's own
    existing = catalog / "records/national/GB-T-29118-2012.yaml"
    existing.parent.mkdir(parents=True)
    text = "\ufeffcode: GB/T 29118-2012\r\ntitle: 节约型机关评价导则\r\nstatus: 废止  # 已被代替\r\neffective: 2013-06-01\r\n"
    existing.write_bytes(text.encode())
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["GB/T 29118-2023", "节约型机关评价导则", "现行", "2024-04-01", "GB/T 29118-2012"]],
                                 headers=["标准号", "标准名称", "状态", "实施日期", "代替标准"]))
    code, out, err = run(str(source), "--into", str(catalog), "--update")
    assert code == 0, out + err
    assert existing.read_bytes() == (text + "replaced_by: [GB/T 29118-2023]\r\n").encode()


@pytest.mark.parametrize("meanwhile", ["edited", "removed", "made"])
def test_a_record_changed_after_planning_is_not_overwritten_and_nothing_is_written(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    # Every record is read while planning and all are written at the end: an edit saved in between was replaced
    # by the merge of the text read before it (a record made in between, by the new one).
    existing = catalog / "records/local/DB41-T-2144-2021.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text(record("DB41/T 2144-2021", "旧名称"), encoding="utf-8")
    new = catalog / "records/national/GB-T-41568-2022.yaml"
    source = tmp_path / "t.csv"
    source.write_bytes(csv_bytes([["DB41/T 2144-2021", "机关食堂服务规范", "2021-08-01"],
                                  ["GB/T 41568-2022", "机关事务管理 术语", "2022-04-15"]],
                                 headers=["标准号", "标准名称", "发布日期"]))
    edited = record("DB41/T 2144-2021", "旧名称", note="刚保存的修改")
    made = record("GB/T 41568-2022", "机关事务管理 术语", note="另一处新建的")
    real = importer.rendered

    def rendered_after_a_change(*args: object, **kwargs: object) -> object:
        if meanwhile == "edited":
            existing.write_text(edited, encoding="utf-8")
        elif meanwhile == "removed":
            existing.unlink()
        else:
            new.parent.mkdir(parents=True)
            new.write_text(made, encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "rendered", rendered_after_a_change)
    code, out, err = run(str(source), "--into", str(catalog), "--update")
    assert code == 2, out + err
    changed = new if meanwhile == "made" else existing
    assert f"{changed.relative_to(catalog).as_posix()}：读取后文件已被修改或删除，未覆盖；请重新运行" in err
    assert "没有写入任何文件" in err
    assert "Traceback" not in err
    if meanwhile == "edited":
        assert existing.read_text(encoding="utf-8") == edited
    elif meanwhile == "removed":
        assert not existing.exists()
    assert new.read_text(encoding="utf-8") == made if meanwhile == "made" else not new.exists()
    assert sorted(p.name for p in catalog.rglob(".*.tmp")) == []


def test_a_header_with_a_note_in_brackets_names_its_column(catalog: Path, tmp_path: Path) -> None:
    """标准编号（代号） is the code column and 发布日期（年月日） the publication date, as bureaus head them; the table
    was refused for having no 标准号 header. A note naming another language is another column (标准名称（英文） is
    not the title), and a header naming the column outright keeps it (the noted one is then an extra column)."""
    headers = ["标准编号（代号）", "标准名称", "标准名称(英文)", "发布日期【年月日】", "实施日期", "实施日期（计划）"]
    table = xlsx_file(tmp_path / "t.xlsx", [["GB/T 41568-2022", "机关事务管理 术语", "Terminology", "2022-04-15",
                                             "2022-05-01", "2022-06"]], headers, title_row="某某市机关事务标准目录")
    code, out, err = run(str(table), "--into", str(catalog))
    assert code == 0, out + err
    assert "未识别的列（保存在记录的 extra 字段中）：标准名称(英文)、实施日期（计划）" in out
    made = {r.key: r.standard for r in load_catalog(catalog).records}["GB/T 41568-2022"]
    assert (made.title, made.published, made.effective) == ("机关事务管理 术语", dt.date(2022, 4, 15), dt.date(2022, 5, 1))
    assert made.extra == {"标准名称(英文)": "Terminology", "实施日期（计划）": "2022-06"}


def test_a_header_in_both_languages_names_its_column(catalog: Path, tmp_path: Path) -> None:
    """标准号⏎Code in one header cell, as bilingual tables head their columns: the table was refused for having no
    标准号 header. Both halves must name the same column: 联系人 Contact stays a column of its own."""
    headers = ["标准号\nCode", "标准名称\r\nTitle", "发布日期 Publication date", "联系人 Contact"]
    table = xlsx_file(tmp_path / "t.xlsx", [["GB/T 41568-2022", "机关事务管理 术语", "2022-04-15", "张三"]], headers)
    code, out, err = run(str(table), "--into", str(catalog))
    assert code == 0, out + err
    made = {r.key: r.standard for r in load_catalog(catalog).records}["GB/T 41568-2022"]
    assert (made.title, made.published, made.extra) == ("机关事务管理 术语", dt.date(2022, 4, 15), {"联系人 Contact": "张三"})


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_header_said_again_in_english_below_it_is_not_a_row(catalog: Path, tmp_path: Path, suffix: str) -> None:
    """A bilingual table heads its columns twice, 标准号 over Code: the English row was refused as a standard
    ('Code' is not a code), so every import of such a table ended with exit 1. Only the row right under the
    header is so read: further down, such a row is refused as before."""
    rows = [["No.", "Code", "Title", "Published", "Contact"], ["1", "GB/T 41568-2022", "机关事务管理 术语", "2022-04-15", "张三"],
            ["", "Code", "Title", "", ""]]  # fmt: skip
    headers = ["序号", "标准号", "标准名称", "发布日期", "联系人"]
    if suffix == ".csv":
        (table := tmp_path / "t.csv").write_bytes(csv_bytes(rows, headers=headers))
    else:
        table = xlsx_file(tmp_path / "t.xlsx", rows, headers, title_row="某某市机关事务标准目录")
    code, out, err = run(str(table), "--into", str(catalog))
    first = 3 if suffix == ".xlsx" else 2
    assert code == 1 and "：2 行" in out, out + err
    assert f"第{first + 2}行 标准号: 'Code'" in err and f"第{first}行" not in err
    made = {r.key: r.standard for r in load_catalog(catalog).records}["GB/T 41568-2022"]
    assert (made.title, made.published, made.extra) == ("机关事务管理 术语", dt.date(2022, 4, 15), {"联系人": "张三"})


def test_a_title_line_without_separators_does_not_decide_the_delimiter(catalog: Path, tmp_path: Path) -> None:
    """The delimiter was the one the first line uses most: a title line with none (某某市机关事务标准目录 typed
    alone above a tab-separated table) made it the comma, and the table had no 标准号 header."""
    table = tmp_path / "t.txt"
    table.write_text("某某市机关事务标准目录\n标准号\t标准名称\t发布日期\nGB/T 41568-2022\t机关事务管理 术语\t2022-04-15\n",
                     encoding="utf-8")
    code, out, err = run(str(table), "--into", str(catalog))
    assert code == 0 and "（UTF-8, tab）：1 行" in out, out + err
    made = {r.key: r.standard for r in load_catalog(catalog).records}["GB/T 41568-2022"]
    assert (made.title, made.published) == ("机关事务管理 术语", dt.date(2022, 4, 15))


def test_a_no_break_or_full_width_space_in_a_name_is_written_as_a_plain_space(catalog: Path, tmp_path: Path) -> None:
    # a title pasted from a web page (&nbsp;) or Word was written as it came: lint said nothing, and the title
    # differed from the same title with a plain space in a search, a lookup and a sort. Now folded, said at the row
    rows = _numbered_rows(3)
    rows[0][3] = "机关事务管理\u00a0术语"
    rows[1][3] = "机关食堂\u3000\u3000服务 \u202f规范"  # a run, and a plain space beside an odd one: one space
    rows[1][8] = "河南省市场监督管理局、国家标准化\u2009管理委员会"
    rows[1][9] = "见\u00a0附录 A"  # a note is no name: kept as typed
    source = xlsx_file(tmp_path / "spaces.xlsx", rows)
    code, out, err = run(str(source), "--into", str(catalog))
    assert code == 0, err
    assert "标准名称：单元格中的非普通空格 U+00A0 已改为普通空格：机关事务管理 术语" in out
    assert "发布部门：单元格中的非普通空格 U+2009 已改为普通空格：河南省市场监督管理局、国家标准化 管理委员会" in out
    assert out.count("已改为普通空格") == 3  # the third row's names hold plain spaces only: no note
    loaded = load_catalog(catalog)
    first, second = loaded.get("DB41/T 1-2021"), loaded.get("DB41/T 2-2021")
    assert first is not None and first.standard.title == "机关事务管理 术语"
    assert second is not None and second.standard.title == "机关食堂 服务 规范"
    assert second.standard.issuer == ["河南省市场监督管理局", "国家标准化 管理委员会"]
    assert second.standard.note == "见\u00a0附录 A"
    lint = runner.invoke(app, ["lint", "-C", str(catalog), "--select", "C020", "--format", "json"])
    assert json.loads(lint.stdout) == []
    code, out, err = run(str(source), "--into", str(catalog), "--update")  # the same table again: nothing to change
    assert code == 0 and "无变化 3" in out, err


def test_plain_spaces_folds_each_gap_holding_an_odd_space_into_one() -> None:
    from gbstd.model.spaces import odd_spaces, plain_spaces

    assert plain_spaces("机关事务管理\u3000\u3000术语") == "机关事务管理 术语"
    assert plain_spaces("Office \u00a0 building\u205fmanagement\u1680") == "Office building management"
    assert plain_spaces("机关  食堂") == "机关  食堂"  # plain spaces alone are not this function's business
    assert odd_spaces("a\u3000b\u00a0c\u3000") == ["\u00a0", "\u3000"] and odd_spaces("a b\tc\u200b") == []

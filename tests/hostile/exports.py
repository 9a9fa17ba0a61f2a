"""Issue 20, exports: spreadsheet cells that cannot run (OWASP CSV injection), Markdown that cannot carry HTML,
over-long codes and over-long DOCX text. Run on a copy of the sample catalog with hostile text planted in it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from gbstd.catalog.loader import load_catalog
from gbstd.tabular.safety import FORMULA_STARTS, markdown_text, neutralise_cell, restore_cell
from tests.test_report_catalog import fresh_catalog, invoke, round_trip, sheet_values

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "standards"
AS_OF = "2026-11-23"

HYPERLINK = '=HYPERLINK("http://x","click")'
DDE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
# field values planted in records: (file, field, value)
PLANTED = (
    ("records/local/DB4103-T-152-2023.yaml", "title", HYPERLINK),
    ("records/local/DB4103-T-152-2023.yaml", "scope", DDE),
    ("records/local/DB41-T-2397-2023.yaml", "title", "+1"),
    ("records/local/DB41-T-2397-2023.yaml", "note", "-2"),
    ("records/national/GB-T-41568-2022.yaml", "title", "@SUM(A1)"),
    ("records/internal/HNJGSW-201-2022.yaml", "title", SCRIPT + "省直机关办公用房使用管理规范"),
    ("records/local/DB4103-T-152-2023.yaml", "note", "'=already quoted"),
    ("records/local/DB4103-T-152-2023.yaml", "administering_body", "-  legitimate dash"),
)


def _single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


EXTRA = (
    "extra:\n"
    f"  {_single_quoted(HYPERLINK)}: '-2'\n"
    f"  '@联系人': {_single_quoted(DDE)}\n"
    "  '+分机': '+86 371'\n"
)


def _set_field(path: Path, name: str, value: str) -> None:
    """Replace (or add) one top-level scalar field, quoting the value as YAML double-quoted text."""
    text = path.read_text(encoding="utf-8")
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    pattern = re.compile(rf"^{name}:.*(?:\n[ \t]+.*)*$", re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: f"{name}: {quoted}", text, count=1)
    else:
        text += f"{name}: {quoted}\n"
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    for rel, name, value in PLANTED:
        _set_field(root / rel, name, value)
    target = root / "records/local/DB4103-T-152-2023.yaml"
    target.write_text(target.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    catalog = load_catalog(root)
    assert not catalog.load_findings, [f.message for f in catalog.load_findings]
    return root


def _runnable(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_STARTS


# --- the helper itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("''", "'''"),
        ("'plain", "'plain"),
        ("plain", "plain"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_neutralise_cell(value: str, written: str) -> None:
    assert neutralise_cell(value) == written
    assert restore_cell(written) == value
    assert not _runnable(written)


@given(st.text())
def test_neutralise_restore_is_lossless(value: str) -> None:
    written = neutralise_cell(value)
    assert restore_cell(written) == value
    assert not _runnable(written)


def test_markdown_text_escapes_html() -> None:
    assert markdown_text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown_text("a|b\nc & [x](javascript:y)") == "a\\|b<br>c &amp; \\[x\\](javascript:y)"


# --- report catalog --------------------------------------------------------------------------------------


def test_csv_export_neutralises_cells_and_headers(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert invoke("report", "catalog", str(hostile), "-o", str(out))[0] == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if _runnable(c)]
    assert "'" + HYPERLINK in rows[0] and "'@联系人" in rows[0] and "'+分机" in rows[0]
    for value in (HYPERLINK, DDE, "+1", "-2", "@SUM(A1)"):
        assert "'" + value in cells, value


def test_xlsx_export_has_no_formula_anywhere(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert invoke("report", "catalog", str(hostile), "-o", str(out))[0] == 0
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and _runnable(c.value)]
    headers = [c.value for c in sheet[1]]
    assert "'" + HYPERLINK in headers and "'@联系人" in headers
    assert all(c.data_type == "s" for c in sheet[1])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_restores_every_value(hostile: Path, tmp_path: Path, suffix: str) -> None:
    first, second, target = round_trip(hostile, tmp_path, suffix)
    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()
    else:
        assert sheet_values(first) == sheet_values(second)
    # The values came back as they were, not with the guarding quote.
    imported = load_catalog(target)
    before = load_catalog(hostile)
    for rel, name, value in PLANTED:
        got = imported.get(next(r for r in before.records if r.rel == rel).key)
        assert got is not None and getattr(got.standard, name) == value, (rel, name)
    extra = imported.get("DB4103/T 152-2023").standard.extra
    assert extra == {HYPERLINK: "-2", "@联系人": DDE, "+分机": "+86 371"}


def test_import_of_a_hand_made_csv_keeps_leading_signs(tmp_path: Path) -> None:
    """Text people type with a leading - or + is not a neutralised cell: it is imported unchanged."""
    table = tmp_path / "t.csv"
    table.write_text(
        "标准号,标准名称,备注,+号\nGB/T 1-2020,-负号开头的名称,+1,-2\nGB/T 2-2020,'=有引号,'-3,'x\n", encoding="utf-8"
    )
    target = fresh_catalog(tmp_path, "c")
    code, _, err = invoke("import", str(table), "--into", str(target), "--as-of", AS_OF)
    assert code == 0, err
    catalog = load_catalog(target)
    first, second = catalog.get("GB/T 1-2020"), catalog.get("GB/T 2-2020")
    assert first is not None and second is not None
    assert (first.standard.title, first.standard.note, first.standard.extra) == ("-负号开头的名称", "+1", {"+号": "-2"})
    assert (second.standard.title, second.standard.note, second.standard.extra) == ("=有引号", "-3", {"+号": "'x"})


# --- Markdown exports ------------------------------------------------------------------------------------


def _no_html(text: str) -> None:
    assert "<script" not in text and "</script" not in text
    assert "&lt;script&gt;" in text


def test_report_catalog_markdown_escapes_html(hostile: Path) -> None:
    code, out, _ = invoke("report", "catalog", str(hostile), "-f", "md")
    assert code == 0
    _no_html(out)


def test_review_markdown_escapes_html(hostile: Path) -> None:
    code, out, _ = invoke("review", "-C", str(hostile), "-f", "markdown", "--as-of", AS_OF)
    assert code in (0, 1)
    _no_html(out)


def test_plan_status_markdown_escapes_html(hostile: Path) -> None:
    code, out, _ = invoke("plan", "status", str(hostile), "-f", "markdown", "--as-of", AS_OF)
    assert code == 0
    _no_html(out)


def test_dupes_markdown_and_csv_are_safe(hostile: Path) -> None:
    # Two records the sample pairs as duplicates, with hostile titles that keep them a pair.
    _set_field(hostile / "records/local/DB3418-T-027-2023.yaml", "title", "<b>党政机关公务用车处置管理规范</b>")
    _set_field(hostile / "records/local/DB6103-T-22-2025.yaml", "title", "@党政机关公务用车处置规范")
    code, out, _ = invoke("dupes", str(hostile), "-f", "markdown")
    assert code in (0, 1)
    assert "<b>" not in out and "&lt;b&gt;党政机关公务用车处置管理规范&lt;/b&gt;" in out
    code, out, _ = invoke("dupes", str(hostile), "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert "'@党政机关公务用车处置规范" in [cell for row in rows for cell in row]
    assert not [cell for row in rows for cell in row if _runnable(cell)]


def test_review_csv_is_neutralised(hostile: Path) -> None:
    code, out, _ = invoke("review", "-C", str(hostile), "-f", "csv", "--as-of", AS_OF)
    assert code in (0, 1)
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert "'" + HYPERLINK in cells
    # The days column holds numbers (-601: overdue), written as numbers; no text cell can run.
    assert not [c for c in cells if _runnable(c) and not re.fullmatch(r"-\d+", c)]


def test_system_and_pipeline_markdown_escape_html(hostile: Path) -> None:
    project = hostile / "projects/XM-2026-001.yaml"
    _set_field(project, "title", SCRIPT)
    system = hostile / "system.yaml"
    system.write_text(re.sub(r"^name: .*$", f'name: "{SCRIPT}"', system.read_text(encoding="utf-8"), count=1,
                             flags=re.MULTILINE), encoding="utf-8")  # fmt: skip
    code, out, _ = invoke("pipeline", str(hostile), "--format", "markdown", "--as-of", AS_OF)
    assert code == 0
    _no_html(out)
    code, out, _ = invoke("system", str(hostile), "--format", "markdown", "--as-of", AS_OF)
    assert code in (0, 1)
    _no_html(out)


# --- long names --------------------------------------------------------------------------------------------

LONG_CODE = "DB41/T " + "1" * 300 + "-2021"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_new_refuses_an_over_long_code_in_one_line(hostile: Path, lang: str) -> None:
    before = sorted(p.relative_to(hostile) for p in hostile.rglob("*"))
    code, out, err = invoke("new", LONG_CODE, "-t", "长", "--into", str(hostile), "--lang", lang)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out
    assert ("标准号过长" if lang == "zh" else "code too long") in err
    assert sorted(p.relative_to(hostile) for p in hostile.rglob("*")) == before


def test_import_rejects_an_over_long_code_row_and_imports_the_others(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(f"标准号,标准名称\nGB/T 1-2020,好\n{LONG_CODE},长\nGB/T 2-2020,也好\n", encoding="utf-8")
    target = fresh_catalog(tmp_path, "c")
    code, out, err = invoke("import", str(table), "--into", str(target), "--as-of", AS_OF)
    assert code == 1, err
    assert "新建 2，拒绝 1" in out
    (line,) = [line for line in err.splitlines() if line.startswith("第3行")]
    assert "标准号过长（312 个字符" in line
    catalog = load_catalog(target)
    assert catalog.get("GB/T 1-2020") is not None and catalog.get("GB/T 2-2020") is not None


def test_docx_bulletin_with_over_long_title_and_issuer(hostile: Path, tmp_path: Path) -> None:
    from docx import Document

    long_text = "某" * 300
    notes = hostile / "notes/2023H2.yaml"
    text = re.sub(r"^issuer: .*$", f"issuer: {long_text}", notes.read_text(encoding="utf-8"), flags=re.MULTILINE)
    notes.write_text(text + f"title: {long_text}\n", encoding="utf-8")
    out = tmp_path / "b.docx"
    code, _, err = invoke("report", "bulletin", str(hostile), "-p", "2023H2", "-f", "docx", "-o", str(out))
    assert code == 0, err
    document = Document(str(out))
    assert len(document.core_properties.title) == 255 and document.core_properties.title.endswith("…")
    assert len(document.core_properties.author) == 255
    # The body carries the whole text: the title and the signature.
    assert sum(long_text in p.text for p in document.paragraphs) == 2


def test_markdown_text_drops_control_characters() -> None:
    """Markdown is printed to terminals too: an escape sequence in a title must not reach one."""
    assert markdown_text("机关\x1b[2J\x1b]0;pwned\x07食堂\x9b2J") == "机关\\[2J\\]0;pwned食堂2J"
    assert markdown_text("a\r\nb\rc\nd\te") == "a<br>b<br>c<br>d\te"


def test_review_markdown_prints_no_escape_sequence(tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    path = root / "records/local/DB41-T-2397-2023.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    hostile = 'title: "机关食堂\\e[2J\\e]0;pwned\\a反食品浪费管理规范"'  # YAML escapes: ESC, BEL
    path.write_text("\n".join(hostile if line.startswith("title:") else line for line in lines), encoding="utf-8")
    code, out, _ = invoke("review", str(root), "--format", "markdown", "--as-of", AS_OF)
    assert code == 0 and "DB41/T 2397-2023" in out and "pwned" in out
    assert "\x1b" not in out and "\x07" not in out

"""Reading a catalog table from XLSX (openpyxl) or CSV into header + numbered rows.

CSV encodings are tried in a fixed, documented order: a byte-order mark decides first (UTF-8 BOM, as Excel's
"CSV UTF-8" writes; UTF-16, as Excel's "Unicode text" writes), then strict UTF-8, then GB18030 — a
superset of GBK and GB2312, which is what Chinese Excel writes for plain "CSV". The delimiter is the one
of comma, tab and semicolon that the first line holding any of them uses most (a title typed alone above
the header holds none).

Row numbers are those a user sees in Excel (the header row included), so ``第12行`` points at the right line.
A title row above the header (``XX局机关事务标准体系明细表``) is skipped: the header is the first of the top
rows that names the 标准号 column.

Nothing below the header is dropped unseen: XLSX rows are read whatever the sheet's stated ``<dimension>``
says (some exporters write a stale one), data right of the last header becomes a column of its own, and a
formula cell without a saved result is recorded so the importer can reject its row with a reason. Text
cells neutralised against formula injection on export (``'=…``) are restored here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbstd.catalog.safe_read import named_file_problem
from gbstd.i18n import Text
from gbstd.tabular.cells import CellValue, cell_text, serial_days
from gbstd.tabular.columns import COLUMN_BY_KEY, column_for, noted_column
from gbstd.tabular.safety import restore_cell

# How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 10
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class TableError(Exception):
    """The file cannot be read as a table at all (exit 2), as opposed to a bad row."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[CellValue]]]  # (row number as in the spreadsheet, cells)
    source: str  # "sheet 标准体系明细表" or "UTF-8, ','"
    header_row: int = 1
    sheets: list[str] = field(default_factory=list)
    # Row number → indexes of its cells holding a formula with no saved result (read as empty).
    uncached: dict[int, list[int]] = field(default_factory=dict)
    # Non-empty rows below the header, counted on the whole row: the importer accounts for each of them
    # (None: a table built in code, whose rows are all there is).
    seen: int | None = None
    # Other sheets of the workbook that hold a table too (a header naming 标准号): not read, and said so.
    unread_sheets: list[str] = field(default_factory=list)


def read_table(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if path.is_dir():
        raise TableError(Text(f"{path} 是目录，请给出表格文件（.xlsx 或 .csv）",
                              f"{path} is a directory; give a table file (.xlsx or .csv)"))
    if (problem := named_file_problem(path)) is not None:  # a FIFO is not "no such file" (and would block)
        raise TableError(problem)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise TableError(Text("--sheet 只适用于 XLSX 文件", "--sheet applies to XLSX files only"))
        return read_csv(path)
    if suffix == ".xls":
        raise TableError(
            Text(
                "不支持旧版 .xls 文件；请在 Excel 中另存为 .xlsx",
                "old .xls files are not supported; save it as .xlsx in Excel",
            )
        )
    raise TableError(
        Text(
            f"不支持的文件类型 {suffix or '（无扩展名）'}；请用 .xlsx 或 .csv",
            f"unsupported file type {suffix or '(none)'}; use .xlsx or .csv",
        )
    )


# What a damaged workbook raises while it is read: a part that is not XML (ElementTree's and lxml's parse errors
# are SyntaxErrors), a compressed part cut short, a bad ZIP.
_BROKEN_XLSX = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, EOFError, zlib.error)


def read_xlsx(path: Path, sheet: str | None) -> Table:
    # imported here: only XLSX users pay for it. The reader load_workbook runs, kept: it knows the sheets the
    # workbook lists, which load_workbook alone does not tell
    from openpyxl.reader.excel import ExcelReader

    def unreadable(exc: Exception) -> TableError:
        return TableError(
            Text(f"无法读取 XLSX 文件 {path.name}：{exc}", f"cannot read XLSX file {path.name}: {exc}")
        )

    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        unfound = _drop_unfound_sheets(reader)
        reader.read()
        book = reader.wb
        absent = _absent_sheets(reader)
    except _BROKEN_XLSX as exc:
        raise unreadable(exc) from None
    try:
        names = list(book.sheetnames)
        _refuse_absent(path, absent, names, sheet, unfound)
        if sheet is not None and sheet not in names:
            raise TableError(
                Text(
                    f"没有工作表 {sheet!r}（有：{'、'.join(names)}）",
                    f"no sheet {sheet!r} (sheets: {', '.join(names)})",
                )
            )
        # the first sheet the user sees: a workbook often keeps a hidden lookup sheet first
        visible = [w for w in book.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
        worksheet = book[sheet] if sheet is not None else (visible or book.worksheets)[0]
        title = worksheet.title
        epoch = getattr(book, "epoch", None)
        member = getattr(worksheet, "_worksheet_path", None)  # the sheet's XML inside the zip
        grid = _sheet_grid(worksheet, _padded_formats(book))
        # one sheet per tier or per year is common: only the first is read, so the others must not go unnoticed
        unread = [w.title for w in book.worksheets if sheet is None and w is not worksheet and _has_header(w)]
    except _BROKEN_XLSX as exc:  # a part cut short or not XML: read lazily, so found only here
        raise unreadable(exc) from None
    finally:
        book.close()
    scan = _scan_sheet(path, member)
    try:
        table = _from_grid(grid, f"sheet {title}", scan.uncached, scan.merges)
    except TableError as exc:
        if len(names) < 2:
            raise
        others = [name for name in names if name != title]
        raise TableError(Text(  # the other sheets may hold the table: say which was read and how to choose
            f"工作表“{title}”：{exc.text.zh}；其他工作表：{'、'.join(others)}（用 --sheet 指定）",
            f"sheet {title!r}: {exc.text.en}; other sheets: {', '.join(others)} (choose one with --sheet)",
        )) from None
    if isinstance(epoch, dt.datetime) and epoch.date() == _MAC_EPOCH:
        _date_1904_serials(table)
    table.sheets = names
    table.unread_sheets = unread
    return table


# A workbook made by Mac Excel (2011 and before) counts days from 1904-01-01 (openpyxl converts its date cells).
_MAC_EPOCH = dt.date(1904, 1, 1)
_DATE_KEYS = frozenset({"published", "effective", "abolished", "review_date"})


def _date_1904_serials(table: Table) -> None:
    """The serials in the date columns of a workbook dated from 1904, whose date format was lost, as the dates
    they are there: read as every other workbook's (days from 1899-12-30) they were four years and a day early."""
    columns = [index for index, header in enumerate(table.headers)
               if (column := column_for(header) or noted_column(header)) is not None and column.key in _DATE_KEYS]
    for _, cells in table.rows:
        for index in columns:
            if (days := serial_days(cells[index])) is not None:
                cells[index] = _MAC_EPOCH + dt.timedelta(days=days)


def _absent_sheets(reader: Any) -> list[tuple[str, str]]:
    """The sheets the workbook lists whose part is not in the file (name, part): openpyxl leaves them out
    without a word, so the next sheet was read as if it were the first."""
    present = set(reader.valid_files)
    return [(listed.name, rel.target) for listed, rel in reader.parser.find_sheets() if rel.target not in present]


def _drop_unfound_sheets(reader: Any) -> list[tuple[str, Text]]:
    """Have ``reader`` leave out the sheets the workbook lists but whose part it cannot find: one without a
    relationship id (openpyxl dropped it with a Python warning only) or whose id the workbook's relationships
    part lacks (openpyxl's KeyError: "cannot read XLSX file: 'rId1'"). Filled as the workbook is read: each
    sheet's name and why (said as :func:`_refuse_absent` says a missing part)."""
    unfound: list[tuple[str, Text]] = []
    read_workbook = reader.read_workbook

    def read_then_drop() -> None:
        from openpyxl.packaging.relationship import get_rels_path

        read_workbook()
        parser = reader.parser
        part = parser.workbook_part_name
        rels = get_rels_path(part)
        try:
            ids = set(parser.rels)
        except KeyError:  # the relationships part itself is not in the file
            ids, rels = set(), Text(f"{rels}（不在文件中）", f"{rels} (not in the file)")
        shown = rels if isinstance(rels, Text) else Text(rels, rels)
        kept = []
        for listed in parser.sheets:
            if not listed.id:
                unfound.append((listed.name, Text(
                    f"工作表“{listed.name}”在 {part} 中没有关系编号（r:id），找不到其内容",
                    f"sheet {listed.name!r} has no relationship id (r:id) in {part}, so its part cannot be found")))
            elif listed.id not in ids:
                unfound.append((listed.name, Text(
                    f"工作表“{listed.name}”在 {shown.zh} 中没有登记（{listed.id}），找不到其内容",
                    f"sheet {listed.name!r} has no entry ({listed.id}) in {shown.en}, so its part cannot be found")))
            else:
                kept.append(listed)
        parser.sheets = kept

    reader.read_workbook = read_then_drop
    return unfound


def _refuse_absent(
    path: Path, absent: list[tuple[str, str]], names: list[str], sheet: str | None, unfound: list[tuple[str, Text]]
) -> None:
    """A damaged workbook is refused when the sheet to read is one of its absent sheets (its part not in the
    file, or not found: ``unfound``) — the one named with --sheet, or any absent one when none is named: the
    first sheet may be gone, and no sheet that cannot be looked at is passed over unseen. The sheets still
    there are named, to choose one with --sheet."""
    if sheet is not None:
        absent = [(name, part) for name, part in absent if name == sheet]
        unfound = [(name, why) for name, why in unfound if name == sheet]
    if not absent and not unfound:
        return
    clauses = [why for _, why in unfound]
    if absent:
        zh = "、".join(f"“{name}”（{part}）" for name, part in absent)
        en = ", ".join(f"{name!r} ({part})" for name, part in absent)
        en = f"the part of sheet {en} is" if len(absent) == 1 else f"the parts of sheets {en} are"
        clauses.insert(0, Text(f"工作表{zh}的内容不在文件中", f"{en} missing from the file, so it cannot be read"))
    rest = Text(f"；其余工作表可用 --sheet 读取：{'、'.join(names)}", f"; the others can be read with --sheet: "
                f"{', '.join(names)}") if sheet is None and names else Text("", "")
    raise TableError(Text(
        f"XLSX 文件 {path.name} 已损坏：{'；'.join(c.zh for c in clauses)}，无法读取（文件不完整，请重新获取或从原表重新保存）"
        f"{rest.zh}",
        f"XLSX file {path.name} is damaged: {'; '.join(c.en for c in clauses)} (the file is "
        f"incomplete: get it again, or save it again from the original){rest.en}",
    ))


def _has_header(worksheet: Any) -> bool:
    """Whether a sheet's top rows hold a header naming the 标准号 column (read no further)."""
    rows = worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=_NARROW, values_only=True)
    return any(_names_code(cell_text(cell)) for row in rows for cell in row)


def _names_code(header: str) -> bool:
    """Whether a header cell names the 标准号 column, outright or with a note in brackets (标准编号（代号）)."""
    code = COLUMN_BY_KEY["code"]
    return column_for(header) is code or noted_column(header) is code


def _sheet_grid(worksheet: Any, padded: frozenset[str] = frozenset()) -> list[list[CellValue]]:
    """Every row of a read-only worksheet, without the empty cells at its end: read-only mode stops at the row
    count the sheet's <dimension> states, and a stale one would drop rows, so that count is reset first.

    Read-only mode pads every row to the sheet's widest and yields each missing row as one shared tuple: one
    stray value in column XFD and a formatted cell in the last row made a million rows of 16 384 cells (the
    import never finished). A missing row is known by identity, and a row is looked at past its first
    ``_NARROW`` cells only when it holds something there.

    A number shown with leading zeros (``padded`` formats: 302 as 0302) is read as the text shown: when the
    workbook has such a format, the cells of the first ``_NARROW`` columns are read a second time, with
    their formats (as cell objects, which a far formatted cell would make 16 384 a row).

    Both passes read the sheet without its empty formatted rows (:class:`_EmptyRowsDropped`)."""
    worksheet.reset_dimensions()
    # openpyxl's read-only sheet opens its XML through this (3.1); another version without it reads every row
    opened = getattr(worksheet, "_get_source", None)
    if callable(opened):
        worksheet._get_source = lambda: _EmptyRowsDropped(opened())
    grid: list[list[CellValue]] = []
    last: object = None
    trimmed: list[CellValue] = []
    # every empty row (a gap of 900 000 above a value far down): one list, never changed (a row is copied
    # before cells are added to it, and an empty row has none to replace)
    empty: list[CellValue] = []
    for row in worksheet.iter_rows(values_only=True):
        if row is not last:
            last, trimmed = row, [_ooxml_text(v) if isinstance(v, str) and "_x" in v else v for v in _without_empty_end(row)]
        grid.append(list(trimmed) if trimmed else empty)
    if padded:
        _show_padded(worksheet, grid, padded)
    return grid


# An empty row as Excel saves a format given to whole rows or columns down to row 1 048 576: a formatted row
# with no cells, <row r="9" s="1" customFormat="1"/>, or a row of styled empty cells, <row r="9" spans="1:11">
# <c r="A9" s="1"/>…</row> (a self-closing <c/> holds no value, formula or text). Dropped only when the next
# row states its number too (or the rows end): a row without r="…" is numbered from the row before it.
_EMPTY_ROW = re.compile(
    rb'<row r="[^>]*(?:/>|(?<!/)>(?:\s*<c [^>]*/>)*\s*</row>)(?=\s*(?:<row r="|</sheetData>))'
)
_ROW_START = b'<row r="'
_CHUNK = 1 << 20  # bytes of the sheet's XML looked at at once


class _EmptyRowsDropped(io.RawIOBase):
    """A worksheet's XML without its empty rows, as openpyxl's read-only parser reads it. That parser builds
    a Python dict per cell and per formatted row: a million formatted empty rows took 25 s (styled empty
    cells in them, 90 s) and 600 MB for a table of 300 rows, where one regular expression in C drops them in
    a second or two. A row that holds anything (a value, a formula, inline text) is passed on unchanged, and
    the rows after a dropped one keep their numbers (openpyxl fills the gap with empty rows)."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._chunks = self._dropped()
        self._pending = memoryview(b"")

    def _dropped(self) -> Iterator[bytes]:
        carry = b""
        while chunk := self._source.read(_CHUNK):
            text = carry + chunk
            # up to the start of the last row: a row cut by the chunk's end is looked at whole next time. That
            # row's start is kept after the text looked at, so the row before it is seen to be followed by one
            # (the start alone is never dropped: the pattern needs the row's end)
            cut = text.rfind(_ROW_START)
            if cut < 0:  # no row starts here (before and after <sheetData>): bar a row's start cut off at the end
                cut = max(len(text) - len(_ROW_START), 0)
                yield text[:cut]
            else:
                yield _EMPTY_ROW.sub(b"", text[: cut + len(_ROW_START)])[: -len(_ROW_START)]
            carry = text[cut:]
        yield _EMPTY_ROW.sub(b"", carry)

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._source.close()
        super().close()


def _show_padded(worksheet: Any, grid: list[list[CellValue]], padded: frozenset[str]) -> None:
    """Replace in ``grid`` each whole number of the first ``_NARROW`` columns whose cell has a ``padded``
    format with the digits Excel shows; only as far right as a number is."""
    width = max((column + 1 for values in grid for column, value in enumerate(values[:_NARROW])
                 if _is_whole(value)), default=0)
    if not width:
        return
    for values, cells in zip(grid, worksheet.iter_rows(max_col=width), strict=False):
        for column, value in enumerate(values[:width]):
            if _is_whole(value) and (shown := _as_shown(value, cells[column].number_format, padded)) is not None:
                values[column] = shown


# A number format that only pads with zeros (Excel's custom "0000": 302 shows as 0302), as a catalog's codes
# and module numbers are often kept; other formats (decimals, thousands, dates) do not change what is read.
_PADDING = re.compile("0{2,}")


def _padded_formats(book: Any) -> frozenset[str]:
    """The workbook's zero-padding number formats (custom formats are listed by openpyxl's reader)."""
    return frozenset(code for code in getattr(book, "_number_formats", ()) if isinstance(code, str)
                     and _PADDING.fullmatch(code))


def _is_whole(value: object) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


def _as_shown(value: float, number_format: object, padded: frozenset[str]) -> str | None:
    """A whole number under a zero-padding format as the digits Excel shows (None: another format)."""
    if not isinstance(number_format, str) or number_format not in padded:
        return None
    digits = str(abs(int(value))).zfill(len(number_format))
    return f"-{digits}" if value < 0 else digits


# How XLSX stores a character XML cannot hold (a carriage return pasted from Windows text, a control
# character): _x000D_; and text that only looks like such an escape, its underscore escaped: _x005F_x000D_.
# openpyxl hands over a cell stored inline (as openpyxl itself writes, and so `report catalog`) as it is, and
# a shared string with each "x005F_" taken out — there a literal "_x000D_" comes out looking like an escape.
# So, left to right: an escaped underscore is an underscore (the text after it is literal), an escape of a
# character XML cannot hold is that character, and anything else that looks like an escape is left as text
# (Excel escapes nothing else: a title never holds one).
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _ooxml_character(found: re.Match[str]) -> str:
    if found.group(1) == "005F":  # as Excel writes it (and openpyxl takes it out: of that spelling only)
        return "_"
    code = int(found.group(1), 16)
    return chr(code) if code < 0x20 else found.group(0)


def _ooxml_text(text: str) -> str:
    """A text cell as Excel shows it: its escapes decoded, Windows line breaks as LF."""
    return _OOXML_ESCAPE.sub(_ooxml_character, text).replace("\r\n", "\n")


_NARROW = 256  # columns a catalog table uses, with room to spare


def _without_empty_end(row: tuple[CellValue, ...] | list[CellValue]) -> list[CellValue]:
    width = len(row)
    if width > _NARROW and row[_NARROW:].count(None) == width - _NARROW:  # nothing past them: C speed
        width = _NARROW
    while width and row[width - 1] is None:
        width -= 1
    return list(row[:width])


# A formula cell and its saved result: <c r="D3" t="str"><f>…</f><v>…</v></c>.
_FORMULA_CELL = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>.*?</f>)\s*(?:<v>(.*?)</v>|<v\s*/>)?\s*</c>", re.S
)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_MERGE_TAG = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_OVERLAP = 1 << 16  # longer than any cell (Excel caps a formula at 8 192 characters)


@dataclass
class _SheetScan:
    """What read-only mode does not report: formula cells without a saved result and merged cells (0-based
    row, column; merges inclusive)."""

    uncached: set[tuple[int, int]] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _scan_sheet(path: Path, member: str | None) -> _SheetScan:
    """One pass over the sheet's XML. A formula's result is "not saved" when the cell has no ``<v>``, or an
    empty one without ``t="str"`` (an empty-text result is saved as ``t="str"`` with an empty ``<v>``)."""
    from openpyxl.utils import column_index_from_string

    def column(letters: bytes) -> int:
        return column_index_from_string(letters.decode()) - 1

    scan = _SheetScan()
    if not member:
        return scan
    merges: set[tuple[bytes, ...]] = set()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as handle:
            tail = b""
            while chunk := handle.read(1 << 20):
                text = tail + chunk
                # most chunks hold neither (a million formatted empty cells took the pattern 7 s): looked for in C
                formulas = _FORMULA_CELL.finditer(text) if b"<f" in text else ()
                for match in formulas:
                    attributes, saved = match.group(1), match.group(2)
                    kind = _CELL_TYPE.search(attributes)
                    if saved or (saved is not None and kind is not None and kind.group(1) == b"str"):
                        continue
                    if ref := _CELL_REF.search(attributes):
                        scan.uncached.add((int(ref.group(2)) - 1, column(ref.group(1))))
                if b"<mergeCell" in text:
                    merges.update(m.groups() for m in _MERGE_TAG.finditer(text))
                tail = text[-_OVERLAP:]  # a cell cut by the chunk boundary is seen whole next time
    except (zipfile.BadZipFile, OSError, KeyError):
        return _SheetScan()
    scan.merges = sorted((int(r1) - 1, column(c1), int(r2) - 1, column(c2)) for c1, r1, c2, r2 in merges)
    return scan


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with, in the documented order."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), {"utf-8-sig": "UTF-8 with BOM"}.get(encoding, "UTF-16")
    if data.startswith(b"PK\x03\x04"):  # a ZIP: an XLSX saved (or renamed) as .csv
        raise TableError(Text("这是 XLSX（ZIP）文件，不是 CSV：请把扩展名改为 .xlsx",
                              "this is an XLSX (ZIP) file, not a CSV: rename it to .xlsx"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        first = exc.start
    try:
        return data.decode("gb18030"), "GB18030/GBK"
    except UnicodeDecodeError:
        pass
    line = data.count(b"\n", 0, first) + 1  # where UTF-8 first fails: a cell pasted in another encoding
    raise TableError(
        Text(
            f"无法识别 CSV 的编码（支持 UTF-8、带 BOM 的 UTF-8、GBK/GB18030）：第 {line} 行起有不是 UTF-8 的字节，"
            "全文也不是 GBK（可能混有两种编码）",
            f"cannot tell the CSV's encoding (UTF-8, UTF-8 with BOM, GBK/GB18030 are read): line {line} has bytes "
            "that are not UTF-8, and the whole file is not GBK either (two encodings mixed?)",
        )
    )


def read_csv(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(
            Text(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}: {exc.strerror}")
        ) from None
    text, encoding = decode_csv(data)
    # the first line holding a separator decides: a title typed alone above the header holds none
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    first_line = next((line for line in lines if any(c in line for c in ",\t;")), "")
    delimiter = max(",\t;", key=first_line.count)
    if '"' in text:  # no quote, none left open (the check reads the whole text again)
        _refuse_unclosed_quote(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[CellValue]] = []
    # every empty line (",,,,": a million of them below a table saved from a formatted sheet): one list, never
    # changed, so the rows are not looked at cell by cell (that took 30 s)
    empty: list[CellValue] = []
    try:
        for row in reader:
            grid.append(empty if row.count("") == len(row) else list(row))
    except csv.Error as exc:
        raise TableError(
            Text(
                f"CSV 格式错误（第{reader.line_num}行）：{exc}",
                f"malformed CSV (line {reader.line_num}): {exc}",
            )
        ) from None
    shown = {"\t": "tab", ",": "','", ";": "';'"}[delimiter]
    return _from_grid(grid, f"{encoding}, {shown}")


def _refuse_unclosed_quote(text: str, delimiter: str) -> None:
    """A quote that is never closed takes every later line into one cell: the rows after it would be lost
    without a word (the lenient reader accepts the end of the file inside quotes). Other strictness (text after
    a closing quote) stays lenient, as spreadsheets read it."""
    strict = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    started = 1
    try:
        for _ in strict:
            started = strict.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise TableError(Text(
                f"CSV 格式错误：第{started}行起的引号没有闭合，其后各行都会被读进同一格（请补上引号）",
                f"malformed CSV: a quote opened in the row starting on line {started} is never closed, so every "
                "later line would fall into one cell (close the quote)",
            )) from None
        return  # read leniently below


def _restored(value: CellValue) -> CellValue:
    return restore_cell(value) if isinstance(value, str) else value


def _width(row: list[CellValue]) -> int:
    """Cells up to the last one that is not empty."""
    width = len(row)
    while width and not cell_text(row[width - 1]):
        width -= 1
    return width


def _uncached_formulas(grid: list[list[CellValue]], cells: set[tuple[int, int]]) -> dict[int, list[int]]:
    """Formula cells without a saved result that are empty as values, by row index → column indexes."""
    found: dict[int, list[int]] = {}
    for row, col in sorted(cells):
        values = grid[row] if row < len(grid) else []
        if not cell_text(values[col] if col < len(values) else None):
            found.setdefault(row, []).append(col)
    return found


def _header_end(header_index: int, merges: list[tuple[int, int, int, int]]) -> int:
    """The last row of the header: cells merged down from the header row make it a two- or three-row header
    (日期 above 发布日期 and 实施日期)."""
    return max(
        [header_index, *(r2 for r1, _, r2, _ in merges if r1 == header_index and r2 <= header_index + 3)]
    )


def _fill_merged(
    grid: list[list[CellValue]], merges: list[tuple[int, int, int, int]], header_end: int
) -> None:
    """Cells merged down in the data (one 体系编号 over several rows) hold the value for every row they cover,
    as Excel shows it; only the first column of a merge is filled, so no value lands in a foreign column. A row
    that holds nothing else stays empty: a module's merged name reaching over a spacer row, or over the rows kept
    free for the standards to come, made each of them a row refused for its empty 标准号."""
    empty = {row for row in range(len(grid)) if not _width(grid[row])}
    for r1, c1, r2, _ in merges:
        if r1 <= header_end or r1 >= len(grid) or c1 >= len(grid[r1]):
            continue
        value = grid[r1][c1]
        for row in range(r1 + 1, min(r2, len(grid) - 1) + 1):
            if row in empty:
                continue
            cells = grid[row] = list(grid[row])
            cells += [None] * (c1 + 1 - len(cells))
            if not cell_text(cells[c1]):
                cells[c1] = value


def _from_grid(
    grid: list[list[CellValue]],
    source: str,
    uncached_cells: set[tuple[int, int]] | None = None,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> Table:
    header_index = _header_index(grid)
    header_end = min(_header_end(header_index, merges or []), len(grid) - 1)
    if merges:
        _fill_merged(grid, merges, header_end)
    header_rows = grid[header_index : header_end + 1]
    header_width = max(_width(row) for row in header_rows)
    headers = []
    for column in range(header_width):
        # In a header of several rows the lowest text names the column (发布日期 under a merged 日期).
        texts = [cell_text(_restored(row[column])) if column < len(row) else "" for row in header_rows]
        headers.append(next((t for t in reversed(texts) if t), ""))
    start = header_end + 1
    while start < len(grid) and start <= header_end + 2 and _repeats_header(grid[start], headers):
        start += 1  # the header said again in the other language (Code under 标准号): not a row of data
    body = range(start, len(grid))
    uncached = _uncached_formulas(grid, uncached_cells) if uncached_cells else {}
    # Data right of the last header is kept as a column of its own (named 列N on import, N its place in the
    # sheet), never cut off; the empty columns between are left out (one stray value in column XFD made every
    # row 16 384 cells wide: 2 000 rows took 6 s and 350 MB).
    beyond = sorted(
        {column for i in body if grid[i] for column in range(header_width, _width(grid[i])) if cell_text(grid[i][column])}
        | {column for i, columns in uncached.items() if i >= start for column in columns if column >= header_width}
    )
    kept = [*range(header_width), *beyond]
    place = {column: at for at, column in enumerate(kept)}
    headers += [f"列{column + 1}" for column in beyond]
    table = Table(headers=headers, rows=[], source=source, header_row=start)
    seen = 0
    for index in body:
        row = grid[index]
        if not row and index not in uncached:
            continue  # an empty row (a formatted sheet has a million): nothing to pad
        seen += bool(_width(row)) or index in uncached
        cells = [_restored(v) for v in row[:header_width]]
        cells += [None] * (header_width - len(cells))
        cells += [_restored(row[column]) if column < len(row) else None for column in beyond]
        if any(cell_text(c) for c in cells) or index in uncached:
            table.rows.append((index + 1, cells))
            if index in uncached:
                table.uncached[index + 1] = [place[column] for column in uncached[index] if column in place]
    table.seen = seen
    return table


def _repeats_header(row: list[CellValue], headers: list[str]) -> bool:
    """Whether a row says the header again, as a bilingual table heads its columns twice (Code under 标准号): its
    标准号 cell names that column, and each other text names the column its header names, or stands under a
    header of a column of its own (Contact under 联系人)."""
    said_code = False
    for column, value in enumerate(row):
        if not (text := cell_text(_restored(value))):
            continue
        above = headers[column] if column < len(headers) else ""
        known = column_for(above) or noted_column(above)
        if known is None and above:
            continue
        if known is None or (column_for(text) or noted_column(text)) is not known:
            return False
        said_code = said_code or known.key == "code"
    return said_code


def _header_index(grid: list[list[CellValue]]) -> int:
    if not grid:
        raise TableError(Text("表格是空的", "the table is empty"))
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if any(_names_code(cell_text(cell)) for cell in row):
            return index
    raise TableError(
        Text(
            f"前 {HEADER_SEARCH_ROWS} 行中找不到表头（需要“标准号”列；也接受 Code、标准编号）",
            f"no header row in the first {HEADER_SEARCH_ROWS} rows (a 标准号 / Code column is required)",
        )
    )

"""Writing the catalog table: XLSX (styled header, frozen, filters, widths), CSV (UTF-8 with BOM), Markdown.

Writers take a :class:`CatalogTable` (headers + rows of cell values) built by :func:`build_table` from the
records, so every format carries exactly the same columns and values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gbstd.catalog.catalog import Record
from gbstd.i18n import Lang
from gbstd.model.code import TIER_RANK
from gbstd.tabular.cells import CellValue, cell_text
from gbstd.tabular.columns import COLUMNS
from gbstd.tabular.mapping import record_to_row
from gbstd.tabular.safety import markdown_text, neutralise_row

SHEET_TITLE = {"zh": "标准体系明细表", "en": "Catalog"}
_WRAPPED = {"title", "scope", "note", "drafters", "issuer", "administering_body", "references", "replaces"}
_MAX_WIDTH = 60


@dataclass
class CatalogTable:
    keys: list[str]  # column keys; extra columns are "extra:<header>"
    headers: list[str]
    rows: list[list[CellValue]]


def _sort_key(record: Record) -> tuple[str, int, str]:
    tier = record.tier
    return (record.standard.module or "\uffff", TIER_RANK[tier] if tier else 99, record.key)


MEMBER_HEADER = {"zh": "成员", "en": "Member"}
OWN_MEMBER = {"zh": "本级", "en": "(own)"}


def build_table(records: Iterable[Record], lang: Lang = "zh", members: bool = False) -> CatalogTable:
    """The 标准体系明细表: sorted by 体系编号, then tier (upper tiers first), then code; 序号 from 1.

    ``members`` (a federation's union) adds a 成员 column after 序号: the member holding each record."""
    ordered = sorted(records, key=_sort_key)
    extra_headers: list[str] = []
    seen: set[str] = set()
    for record in ordered:
        for header in record.standard.extra:
            if header not in seen:
                seen.add(header)
                extra_headers.append(header)
    keys = [c.key for c in COLUMNS] + [f"extra:{h}" for h in extra_headers]
    headers = [c.header(lang) for c in COLUMNS] + extra_headers
    rows: list[list[CellValue]] = []
    for number, record in enumerate(ordered, start=1):
        values = record_to_row(record.standard, record.code, lang)
        values["seq"] = number
        extra = record.standard.extra
        rows.append([values[c.key] for c in COLUMNS] + [extra.get(h) for h in extra_headers])
        if members:
            rows[-1].insert(1, record.member or OWN_MEMBER[lang])
    if members:
        keys.insert(1, "member")
        headers.insert(1, MEMBER_HEADER[lang])
    return CatalogTable(keys=keys, headers=headers, rows=rows)


def _text(value: CellValue) -> str:
    return cell_text(value)


def write_csv(table: CatalogTable) -> bytes:
    """CSV with a UTF-8 BOM and CRLF line ends, so that Excel opens Chinese text correctly."""
    return csv_bytes(table.headers, table.rows)


def csv_bytes(headers: Iterable[str], rows: Iterable[Iterable[CellValue]]) -> bytes:
    """The one CSV writer of every command (report catalog, review, dupes): a UTF-8 BOM and CRLF line ends
    (Excel on a Chinese PC opens it correctly), formula-like text neutralised, dates as YYYY-MM-DD."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutralise_row(headers))
    for row in rows:  # text is neutralised, numbers are not (-601 days is a number, not a formula)
        writer.writerow(v if isinstance(v, str) else _text(v) for v in neutralise_row(row))  # type: ignore[arg-type]
    return buffer.getvalue().encode("utf-8-sig")


def _md_cell(value: CellValue) -> str:
    return markdown_text(_text(value))


def write_markdown(table: CatalogTable, title: str | None = None) -> str:
    lines = [f"# {markdown_text(title)}", ""] if title else []
    lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
    lines.append("|" + "|".join("---:" if key == "seq" else "---" for key in table.keys) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _display_width(text: str) -> int:
    """Width in Excel columns: CJK and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(table: CatalogTable, lang: Lang = "zh") -> bytes:
    """An XLSX workbook: bold shaded header, frozen below the header, auto-filter, fitted column widths.

    Written in openpyxl's write-only mode, row after row: the sheet's cells are never all held at once (a
    worksheet kept whole held two million cell objects for a national table of 100 000 rows, and took a third
    longer). Widths, the frozen row and the filter are set before the first row, as that mode requires."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE[lang])
    headers = neutralise_row(table.headers)
    rows = [neutralise_row(row) for row in table.rows]
    widths = [_display_width(h) for h in table.headers]
    for row in table.rows:
        for index, value in enumerate(row):
            if value is not None:
                width = (
                    10
                    if isinstance(value, dt.date)
                    else max(map(_display_width, _text(value).splitlines() or [""]))
                )
                widths[index] = max(widths[index], width)
    for index in range(1, len(table.headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widths[index - 1], 6) + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(table.rows) + 1}"
    sheet.row_dimensions[1].height = 30
    thin = Side(style="thin", color="A6A6A6")
    header_style = {
        "font": Font(bold=True, color="FFFFFF"), "fill": PatternFill("solid", fgColor="1F4E78"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True), "border": Border(bottom=thin),
    }
    sheet.append([_styled(WriteOnlyCell(sheet, value), header_style, text=True) for value in headers])
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    alignments = [wrapped if key in _WRAPPED else top for key in table.keys]
    for row in rows:
        cells = []
        for value, alignment in zip(row, alignments, strict=True):
            cell = WriteOnlyCell(sheet, value)
            cell.alignment = alignment
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                # Record text is text, never a formula Excel would run (it is neutralised too, for any
                # tool that re-reads it as CSV).
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styled(cell: Any, style: dict[str, Any], text: bool = False) -> Any:
    """``cell`` with the given font, fill, alignment and border; ``text``: kept as text whatever it holds."""
    for name, value in style.items():
        setattr(cell, name, value)
    if text:
        cell.data_type = "s"
    return cell

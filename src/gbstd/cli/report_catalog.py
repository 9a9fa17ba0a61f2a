"""``gbstd report catalog``: the 标准体系明细表 as XLSX, CSV (UTF-8 with BOM) or Markdown."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from gbstd.catalog.atomic import write_output
from gbstd.cli.common import (
    AllowMissingOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    fail_unwritable,
    load_union_or_fail,
    named_catalog,
    output_path,
    progress_bar,
    stderr,
    warn,
)
from gbstd.cli.output_format import choose_format
from gbstd.i18n import Text
from gbstd.tabular.writers import SHEET_TITLE, build_table, write_csv, write_markdown, write_xlsx

if TYPE_CHECKING:
    from rich.progress import Progress


class TableFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"
    md = "md"


_SUFFIXES = {
    ".xlsx": TableFormat.xlsx,
    ".csv": TableFormat.csv,
    ".md": TableFormat.md,
    ".markdown": TableFormat.md,
}


def catalog(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_option: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE",
            help="输出文件 file to write (default: standard output; required for xlsx).",
        ),
    ] = None,
    output_format: Annotated[
        TableFormat | None,
        typer.Option("--format", "-f", help="格式 xlsx, csv or md (default: from the file name, else md)."),
    ] = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """标准体系明细表 — the catalog as a table: XLSX, CSV (UTF-8 with BOM, opens in Excel) or Markdown.

    The columns are exactly those `gbstd import` reads, so export → edit in Excel → `gbstd import --update`
    works, and export → import → export gives the same table. Rows are sorted by 体系编号, tier and code.
    `--lang en` writes English headers and values (import reads both). In a federating catalog the table
    holds the union, with a 成员 (member) column after 序号: the member each standard comes from.

    Examples:

        gbstd report catalog standards -o 标准体系明细表.xlsx

        gbstd report catalog standards -f csv > catalog.csv

        gbstd report catalog standards --lang en
    """
    language = lang.value
    path = named_catalog(path, catalog_option, language)
    output = output_path(output_option, language)
    if output is not None and str(output) == "-":  # as most tools read it: standard output, not a file named "-"
        output = None
    if output is not None and output.is_dir():  # before the catalog's load; `-o .` said "resource busy"
        fail(Text(f"输出路径是目录：{output}", f"the output path is a directory: {output}"), language)
    chosen = choose_format(output_format, output, _SUFFIXES, TableFormat.md, language)
    if chosen is TableFormat.xlsx and output is None:
        fail(Text("XLSX 须写入文件：加 -o 文件名.xlsx", "XLSX needs a file: add -o NAME.xlsx"), language)
    loaded = load_union_or_fail(path, language, member, allow_missing)
    table = build_table(loaded.records, language, members=bool(loaded.members))
    if chosen is not TableFormat.md:  # a table import reads back: what it would not read as the records say
        for said in table.notes:
            warn(said, language)
    if chosen is TableFormat.xlsx:
        with progress_bar("写入 XLSX writing" if language == "zh" else "writing XLSX", total=len(table.rows)) as bar:
            data: bytes | str = write_xlsx(table, language, _rows_then_saving(bar, len(table.rows), language))
    elif chosen is TableFormat.csv:
        data = write_csv(table)
    else:
        data = write_markdown(table, SHEET_TITLE[language])
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            sys.stdout.write(data)
        return
    try:
        write_output(output, data)
    except OSError as exc:
        fail_unwritable(output, exc, language)
    stderr.print(
        Text(
            f"已写入 {output}（{len(table.rows)} 项标准）", f"wrote {output} ({len(table.rows)} standards)"
        ).get(language)
    )


def _rows_then_saving(bar: Progress | None, rows: int, language: str) -> Callable[[int], None] | None:
    """Counts the rows written on the bar; once all are, the bar says the workbook is being saved (compressing
    100 000 rows takes seconds more: a full bar standing still looked like a hang)."""
    if bar is None:
        return None
    counted = 0

    def advance(count: int) -> None:
        nonlocal counted
        counted += count
        bar.advance(0, count)
        if counted >= rows:  # the count's task gives way to one without a total: a pulsing bar
            bar.update(0, visible=False)
            bar.add_task("保存 XLSX saving" if language == "zh" else "saving XLSX", total=None)

    return advance


"""``gbstd import``: read a 标准体系明细表 (XLSX or CSV) into the catalog, one record file per row."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.atomic import written_before
from gbstd.catalog.config_file import CatalogError
from gbstd.cli.common import (
    EXIT_FINDINGS,
    AsOfOption,
    LangChoice,
    LangOption,
    fail,
    fail_unwritable,
    input_path,
    load_catalog_or_fail,
    parse_as_of,
    progress_bar,
)
from gbstd.i18n import Text
from gbstd.rules.recheck import entry_checker, new_findings_checker
from gbstd.tabular.importer import ACTION_LABELS, Action, FieldChange, ImportReport, import_table
from gbstd.tabular.readers import TableError, read_table


def import_(
    file: Annotated[
        str, typer.Argument(help="标准体系明细表 the spreadsheet: .xlsx or .csv", metavar="FILE")
    ],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="工作表名称 sheet to read (default: the first).")
    ] = None,
    into: Annotated[str, typer.Option(
        "--into", "--catalog", "-C", metavar="PATH",
        help="导入到哪个标准目录 catalog to import into (default: .); -C as for every command.",
    )] = ".",
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="只报告将做什么，不写文件 report what would happen; write nothing."),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update", help="合并到已有记录（保留注释） merge rows into existing records, keeping comments."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="与 --update 同用：表格的值覆盖文件中不同的值、状态倒退、合并后违反规则也写入 "
            "with --update: the table's value overwrites a different one in the file, even backwards "
            "statuses or records that would fail a rule.",
        ),
    ] = False,
    replace_lists: Annotated[
        bool,
        typer.Option(
            "--replace-lists",
            help="与 --update 同用：列表字段以表格为准（默认取并集） with --update: list fields are replaced "
            "by the table's (default: union, the file's items first).",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="不逐个列出文件 do not list each file.")
    ] = False,
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
) -> None:
    """导入标准体系明细表 — import a catalog spreadsheet (XLSX or CSV) into record files.

    Columns (any order; English aliases accepted): 序号, 体系编号, 标准号, 标准名称, 标准层级, 标准性质, 状态,
    发布日期, 实施日期, 废止日期, 代替标准, 引用标准, 发布部门, 归口单位, 起草单位, 适用范围, 最近复审日期,
    复审结论, 备注. Other columns are kept in each record's `extra` field. CSV may be UTF-8 (with or
    without BOM) or GBK/GB18030.

    Each row becomes `records/<tier>/<code>.yaml`. Bad rows are reported (`第12行 实施日期: …`) and skipped,
    the rest are imported. Existing records are never changed without --update. `--as-of` is the day an
    empty 状态 is judged by.

    --update merges, showing old → new for every field: empty cells erase nothing, lists gain the items
    they lack, and a value the file already has (perhaps a hand correction), a status moving backwards or a
    record that would newly fail a rule (C007 …) is kept and reported unless --force.

    Exit codes: 0 every row imported (or already there), 1 some rows rejected or changes held back,
    2 the file or catalog cannot be read.

    Examples:

        gbstd import 标准体系明细表.xlsx

        gbstd import table.csv --into standards --dry-run

        gbstd import table.xlsx --sheet 2024 --update --lang en
    """
    language = lang.value
    table_path = input_path(file, language, "FILE", file=True) or Path(file)
    catalog_path = input_path(into, language, "--into/-C") or Path(".")
    day = parse_as_of(as_of, language)
    root = catalog_path  # the catalog's root once it is loaded: the files written are named from it
    try:
        table = read_table(table_path, sheet)
        catalog = load_catalog_or_fail(catalog_path, language)
        root = catalog.root
        with progress_bar("导入" if language == "zh" else "importing", total=2 * len(table.rows)) as bar:
            report = import_table(
                table,
                catalog,
                as_of=day,
                update=update,
                dry_run=dry_run,
                force=force,
                replace_lists=replace_lists,
                check=new_findings_checker(catalog, day) if update else None,
                entry=entry_checker(catalog, day),
                progress=(lambda n: bar.advance(0, n)) if bar else None,
            )
    except (TableError, CatalogError) as exc:
        fail(exc.text, language)
    except OSError as exc:  # the files are written together: each one whole, and those put in place are named
        fail_unwritable(exc.filename or catalog_path, exc, language, written_before(exc, root))
    _print(report, table_path, language, quiet)
    if report.rejected or report.held:
        raise typer.Exit(EXIT_FINDINGS)


def _show(value: object, zh: bool) -> str:
    if value is None or value == []:
        return "（空）" if zh else "(empty)"
    if isinstance(value, list):
        return ("、" if zh else ", ").join(_show(v, zh) for v in value)
    if isinstance(value, Enum):
        label = getattr(value, "label", None)
        return label.get("zh" if zh else "en") if isinstance(label, Text) else str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value and value.splitlines() != [value]:
        return repr(value)  # a line break inside would split the change line: escaped, as export's warning says it
    return str(value)


def _change_line(change: FieldChange, zh: bool) -> str:
    """``  status: 废止 → 现行（未写入：…）`` — one field a row changes, as it is and as it would be."""
    line = f"  {change.name}: {_show(change.old, zh)} → {_show(change.new, zh)}"
    if change.held is not None:
        line += f"（未写入：{change.held.zh}）" if zh else f" (not written: {change.held.en})"
    return line


def _print(report: ImportReport, file: Path, lang: str, quiet: bool) -> None:
    zh = lang == "zh"
    rows = len(report.outcomes)
    typer.echo(
        f"读取 {file.name}（{report.source}）：{rows} 行"
        if zh
        else f"read {file.name} ({report.source}): {rows} rows"
    )
    if unread := report.unread_sheets:
        typer.echo(Text(
            f"注意：其他工作表也有标准号列，未读取：{'、'.join(unread)}（每次导入一个工作表，用 --sheet 指定）",
            f"note: other sheets with a code column were not read: {', '.join(unread)} (one sheet is imported at a "
            "time; choose it with --sheet)",
        ).get(lang), err=True)
    if report.unknown_columns:
        names = "、".join(report.unknown_columns) if zh else ", ".join(report.unknown_columns)
        typer.echo(
            f"未识别的列（保存在记录的 extra 字段中）：{names}"
            if zh
            else f"unknown columns (kept in each record's `extra` field): {names}"
        )
    would = report.dry_run
    for outcome in report.outcomes:
        for line in outcome.messages("zh" if zh else "en"):
            typer.echo(line, err=True)
        if outcome.action in (Action.REJECTED, Action.SKIPPED):
            continue
        if quiet and not outcome.held and outcome.action is not Action.CONFLICT:
            continue  # what was held back is shown even with --quiet
        label = ACTION_LABELS[outcome.action].get("zh" if zh else "en")
        if would and outcome.action in (Action.CREATE, Action.UPDATE):
            label = f"将{label}" if zh else f"would {label}"
        detail = ""
        if outcome.changed and outcome.action in (Action.UPDATE, Action.EXISTS):
            fields = ", ".join(outcome.changed)
            detail = f"（{fields}）" if zh else f" ({fields})"
            if outcome.action is Action.EXISTS:
                detail += "，用 --update 合并" if zh else "; use --update to merge"
        notes = "".join(f"；{n.zh}" if zh else f"; {n.en}" for n in outcome.notes)
        typer.echo(f"{label}: {outcome.path}{detail}{notes}")
        for change in outcome.changes:
            typer.echo(_change_line(change, zh))
    for rel, code in report.linked:
        typer.echo(
            f"{'将补全' if would else '补全'}被代替: {rel} ← {code}"
            if zh
            else f"{'would add' if would else 'added'} replaced_by: {rel} ← {code}"
        )
    counts = [(a, report.count(a)) for a in Action]
    summary = ("，" if zh else ", ").join(
        f"{ACTION_LABELS[a].get('zh' if zh else 'en')} {n}" for a, n in counts if n
    ) or ("没有数据行" if zh else "no data rows")
    prefix = ("演练（未写入任何文件）：" if zh else "dry run (nothing written): ") if would else ""
    typer.echo(prefix + summary)
    if report.held:
        typer.echo(
            Text(
                f"{len(report.held)} 行有未写入的值（见上，文件中的值被保留）；核对后可加 --force",
                f"{len(report.held)} rows have changes that were not written (see above; the file's values "
                "were kept); check them, then --force if the table is right",
            ).get("zh" if zh else "en")
        )
    if any(o.action is Action.EXISTS for o in report.outcomes):
        typer.echo(
            Text(
                "已有记录与表格不同的行未改动；加 --update 合并",
                "rows that differ from existing records were left alone; add --update to merge them",
            ).get("zh" if zh else "en")
        )

"""``gbstd report bulletin``: the half-year or annual bulletin (通报) as Markdown, HTML, DOCX or JSON."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from jinja2 import TemplateError

from gbstd.catalog.atomic import write_output
from gbstd.catalog.safe_read import named_file_problem
from gbstd.cli.changes import compare_or_fail, note_uncompared
from gbstd.cli.common import (
    AllowMissingOption,
    AsOfOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    detection_line,
    fail,
    fail_unwritable,
    input_path,
    load_union_or_fail,
    named_catalog,
    note_repeated,
    output_path,
    parse_as_of,
    parse_date_option,
    progress_bar,
    stderr,
)
from gbstd.cli.output_format import choose_format
from gbstd.cli.report import report_app
from gbstd.i18n import Lang, Text
from gbstd.reports.bulletin import NotesError, build_document, choose_notes, render_bulletin
from gbstd.reports.period import PeriodError, parse_period
from gbstd.reports.templating import template_error


class BulletinFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"


_SUFFIXES = {
    ".md": BulletinFormat.md, ".markdown": BulletinFormat.md, ".html": BulletinFormat.html,
    ".htm": BulletinFormat.html, ".docx": BulletinFormat.docx, ".json": BulletinFormat.json,
}  # fmt: skip


def _date(value: str | None, option: str, lang: Lang) -> dt.date | None:
    return None if value is None else parse_date_option(value, option, lang)


@report_app.command("bulletin")
def bulletin(
    catalog_path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    period: Annotated[str | None, typer.Option("--period", "-p", help="报告期 2023H1 (上半年), 2023H2 (下半年) or 2023 (全年).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="起始日期 first day (instead of, or narrowing, --period).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="截止日期 last day.")] = None,
    notes_option: Annotated[str | None, typer.Option("--notes", help="通报素材 notes YAML (default: CATALOG/notes/PERIOD.yaml if present).")] = None,
    output_format: Annotated[BulletinFormat | None, typer.Option("--format", "-f", help="输出格式 md, html, docx (GB/T 9704 layout) or json (figures); default: from the -o extension, else md.")] = None,
    output_option: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="输出文件 file to write (default: bulletin-PERIOD.FORMAT, e.g. bulletin-2024H1.md).")] = None,
    changes_since: Annotated[str | None, typer.Option("--changes-since", metavar="REF", help="附件“本期目录变化”：与 git 修订 REF 相比的目录变化 append what changed in the catalog since git revision REF (needs a git repository).")] = None,
    as_of: AsOfOption = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """生成通报 — write the half-year/annual bulletin: figures computed from the catalog, text from notes.

    The 基本情况 figures (published, taking effect, abolished, in force; by tier, province and module) are
    computed for the period; the other sections (特色做法, 工作经验, 下一步重点工作, addressee, issuing office, date)
    come from the notes file. Whatever is missing is printed as a marked placeholder, never invented.

    In a federating catalog ([[federation.members]] in gbstd.toml) the figures are those of the union; two
    more tables break them down by member and list each member's source and the commit it was read at.

    Exit codes: 0 written, 2 could not run (unknown period, broken notes file, unwritable output).

    Examples:

        gbstd report bulletin standards --period 2023H2 --format docx -o 2023H2.docx

        gbstd report bulletin standards --period 2023 --format html -o 2023.html

        gbstd report bulletin standards --from 2023-03-01 --to 2023-08-31 --notes my-notes.yaml

        gbstd report bulletin standards --period 2023H2 --changes-since v2023H1   # + 附件 本期目录变化
    """
    language = lang.value
    catalog_path = named_catalog(catalog_path, catalog_option, language)
    output = output_path(output_option, language)
    day = parse_as_of(as_of, language)
    try:
        chosen = parse_period(period, _date(date_from, "--from", language), _date(date_to, "--to", language))
    except PeriodError as exc:
        fail(exc.text, language)
    if chosen.start > day:  # nothing of it has happened: a bulletin would only show today's state
        fail(Text(f"报告期 {chosen.label} 尚未开始（截至 {day}）；通报只能写已开始的报告期",
                  f"the period {chosen.key} has not started yet (as of {day}); a bulletin covers a period "
                  "that has begun"), language)
    fmt = choose_format(output_format, output, _SUFFIXES, BulletinFormat.md, language).value
    if output is not None and str(output) == "-":
        fail(Text("通报连同图表写入文件，-o 须给出文件名（如 -o bulletin.md）",
                  "a bulletin is written to a file, with its charts: give -o a file name (e.g. -o bulletin.md)"), language)
    notes = input_path(notes_option, language, "--notes", file=True)
    if notes is not None and (problem := named_file_problem(notes)) is not None:  # before the catalog's load
        fail(Text(f"--notes：{problem.zh}", f"--notes: {problem.en}"), language)
    target = output or Path(f"bulletin-{chosen.key}.{fmt}")
    if target.exists() and target.is_dir():
        fail(Text(f"输出路径是目录：{target}", f"the output path is a directory: {target}"), language)
    catalog = load_union_or_fail(catalog_path, language, member, allow_missing)
    note_repeated(catalog, language)
    try:
        choice = choose_notes(catalog, chosen, notes)
    except NotesError as exc:
        fail(Text("通报素材文件有误：\n  " + "\n  ".join(p.zh for p in exc.problems),
                  "the notes file is broken:\n  " + "\n  ".join(p.en for p in exc.problems)), language)
    for warning in choice.warnings:
        stderr.print(f"gbstd: {warning.get(language)}", markup=False, soft_wrap=True)
    changes = None
    if changes_since is not None:  # a federation: each member compared in its own repository
        changes = compare_or_fail(catalog.root, changes_since, None, language, member, allow_missing)
        note_uncompared(changes, language)  # the appendix has no place for them
    records = len(catalog.records)
    try:
        with progress_bar("生成通报 bulletin" if language == "zh" else "bulletin", total=records + 4) as bar:
            advance = (lambda n: bar.advance(0, n)) if bar else None
            document = build_document(catalog, chosen, day, choice.notes, advance, changes,
                                      detection_line(bar, language))
            files = render_bulletin(document, fmt, target, catalog.root, advance)
    except TemplateError as exc:
        fail(template_error(exc), language)
    try:
        for path, data in sorted(files.items(), key=lambda item: item[0] == target):  # the charts first: a
            write_output(path, data)  # bulletin is not written (or replaced) with links to charts that failed
    except OSError as exc:
        fail_unwritable(target, exc, language)
    figures = document.bulletin
    summary = Text(
        f"已写入 {target}：{chosen.label}发布 {figures.published.total} 项、实施 {figures.effective.total} 项、"
        f"废止 {figures.abolished.total} 项，期末现行 {figures.in_force_at_end.total} 项；"
        f"待补充 {len(document.placeholders)} 处",
        f"wrote {target}: {chosen.key} published {figures.published.total}, effective {figures.effective.total}, "
        f"abolished {figures.abolished.total}, in force at the end {figures.in_force_at_end.total}; "
        f"{len(document.placeholders)} placeholder(s)",
    )
    stderr.print(summary.get(language), markup=False, soft_wrap=True)
    if document.placeholders:
        stderr.print(("待补充：" if language == "zh" else "to be supplied: ") + "、".join(document.placeholders),
                     markup=False, soft_wrap=True)

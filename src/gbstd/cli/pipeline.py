"""``gbstd pipeline``: standards in the making, by stage and age; stage counts for a period."""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.loader import load_catalog_cached
from gbstd.cli.common import (
    AsOfOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    fail,
    first_names,
    named_catalog,
    note,
    note_unread,
    parse_as_of,
    parse_date_option,
)
from gbstd.cli.console import print_document
from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_document
from gbstd.pipeline import project_states, stage_counts, undated_records
from gbstd.printable import printable
from gbstd.system_report import PIPELINE_COLUMNS, group_states, pipeline_markdown, pipeline_rows


class PipelineFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _date(value: str | None, option: str, lang: Lang) -> dt.date | None:
    return None if value is None else parse_date_option(value, option, lang)


def pipeline(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_format: Annotated[
        PipelineFormat, typer.Option("--format", "-f", help="输出格式 output format.")
    ] = PipelineFormat.text,
    active: Annotated[
        bool, typer.Option("--active", help="只列在研项目 only projects still being made.")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM-DD", help="统计期起 count stage events from this day."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="YYYY-MM-DD", help="统计期止 count stage events up to this day."),
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
) -> None:
    """在研标准 — standards in the making (projects/), grouped by stage, with months in the current stage.

    With --from/--to it also counts how many standards reached each stage in that period (申报, 立项, …,
    批准发布 — the bulletin's 申请立项 and 发布 figures), from projects and published records alike.

    Exit codes: 0 done, 2 could not run.

    Examples:

        gbstd pipeline standards --as-of 2026-11-23

        gbstd pipeline standards --from 2026-01-01 --to 2026-06-30 --format json
    """
    language = lang.value
    path = named_catalog(path, catalog_option, language)
    day = parse_as_of(as_of, language)
    window = (_date(start, "--from", language), _date(end, "--to", language))
    if window[0] and window[1] and window[0] > window[1]:
        fail(Text("--from 晚于 --to", "--from is after --to"), language)
    if window[0] and window[0] > day:  # as the bulletin refuses a period not yet begun
        fail(Text(f"--from {window[0]} 晚于 --as-of {day}：这段时间尚未开始", f"--from {window[0]} is after --as-of "
                  f"{day}: the period has not begun"), language)
    # stages reached up to the day the table is of: a future-dated entry is not counted as reached (the table
    # said 尚未申报 above "申报 1")
    counted_to = min(window[1], day) if window[1] else day
    try:
        catalog = load_catalog_cached(path)
    except CatalogError as exc:
        fail(exc.text, language)
    note_unread(catalog, language, catalog.config.catalog.projects)  # a project left out of the stages
    states = [s for s in project_states(catalog, day) if s.active or not active]
    counts = stage_counts(catalog, window[0], counted_to) if start or end else None
    undated = undated_records(catalog) if counts is not None else []
    if undated:  # counted in no period, and not silently
        shown = first_names(undated)
        note(Text(f"注意：{len(undated)} 项标准既无发布日期也无制定过程记录，未计入各阶段项数（{shown.zh}）",
                  f"note: {len(undated)} standard(s) have neither a publication date nor a making history, so no "
                  f"stage of theirs is counted ({shown.en})"), language)
    if output_format is PipelineFormat.json:
        document: dict[str, object] = {"as_of": day.isoformat(), "projects": [s.to_json() for s in states]}
        if counts is not None:
            document["period"] = {"from": start, "to": end, "counted_to": counted_to.isoformat(),
                                  "stages": {k.value: v for k, v in counts.items()}, "undated": undated}
        print_document(json_document(document))
        return
    if output_format is PipelineFormat.markdown:
        typer.echo(pipeline_markdown(states, language), nl=False)
    else:
        tty = sys.stdout.isatty()
        console = Console(highlight=False, no_color=not tty, width=None if tty else 200)
        if not states:
            console.print(Text("没有标准项目。", "No projects.").get(language))
        else:
            table = Table(
                title=Text(f"标准项目（截至 {day}）", f"Projects as of {day}").get(language),
                title_justify="left",
            )
            for column in PIPELINE_COLUMNS:
                table.add_column(
                    column.get(language), justify="right" if column.en in ("months", "limit") else "left"
                )
            for _stage, _withdrawn, members in group_states(states):
                for row in pipeline_rows(members, language):
                    table.add_row(*(RichText(printable(str(cell))) for cell in row))  # data, not markup
                table.add_section()
            console.print(table)
    if counts is not None:
        label = Text(
            f"{start or '…'} 至 {counted_to} 各阶段项数：", f"Stages reached {start or '…'} to {counted_to}: "
        )
        typer.echo(
            label.get(language)
            + ", ".join(
                f"{stage.value if language == 'zh' else stage.label.en} {n}" for stage, n in counts.items()
            )
        )

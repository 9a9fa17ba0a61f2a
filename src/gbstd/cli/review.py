"""``gbstd review`` (the review worklist) and ``gbstd review add`` (record a review in a standard's file)."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.loader import load_system
from gbstd.catalog.record_edit import REVIEW_INPUTS, add_review, review_from_input
from gbstd.cli.common import (
    AllowMissingOption,
    AsOfOption,
    CatalogArgument,
    CatalogGroup,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    first_names,
    load_holders_or_fail,
    load_union_or_fail,
    named_catalog,
    note,
    parse_as_of,
    stderr,
)
from gbstd.cli.console import print_document
from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_document
from gbstd.model.code import Tier
from gbstd.model.config import ReviewPolicy
from gbstd.model.regions import REGION_PATTERN, is_valid_region, unpadded
from gbstd.model.standard import TIER_ALIASES
from gbstd.printable import printable
from gbstd.reporters.long_table import write_long_table
from gbstd.review import DueState, ReviewState, Worklist, parse_window, review_worklist
from gbstd.tabular.safety import markdown_text
from gbstd.tabular.writers import csv_bytes
from gbstd.undecodable import has_undecodable


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


review_app = typer.Typer(
    name="review",
    cls=CatalogGroup,
    help="复审 — the review worklist (default) and `review add` to record a review.",
    rich_markup_mode="markdown",
)


def _tiers(values: list[str], lang: Lang) -> list[Tier]:
    tiers = []
    for value in values:
        text = value.strip()
        tier = TIER_ALIASES.get(text) or next((t for t in Tier if t.value == text.lower()), None)
        if tier is None:
            names = ", ".join(t.value for t in Tier)
            fail(Text(f"--tier {value!r} 不是标准层级（{names}）",
                      f"--tier {value!r} is not a tier ({names})"), lang)
        tiers.append(Tier(tier.value))
    return tiers


def _regions(values: list[str], lang: Lang) -> list[str]:
    for value in values:
        if not re.fullmatch(REGION_PATTERN, value):  # ４１ too: records hold ASCII codes, ４１ matched none
            fail(Text(f"--region {value!r} 应为 2、4 或 6 位行政区划代码（如 41、4103）",
                      f"--region {value!r} must be a 2-, 4- or 6-digit division code (e.g. 41, 4103)"), lang)
        # 410300, 410000: GB/T 2260's six digits for 4103 and 41. Like --module 30, a filter that cannot match
        # is an error
        if not is_valid_region(unpadded(value)):
            fail(Text(f"--region {value!r} 不是有效的行政区划代码（省级代码见 GB/T 2260）",
                      f"--region {value!r} is not a valid division code (provinces: GB/T 2260)"), lang)
    return values


def _modules_before_load(path: Path, values: list[str], lang: Lang) -> None:
    """``--module`` checked against the system file before the records are read (at 100 000 records their
    load takes seconds, a typo's answer should not); a catalog that cannot be found or configured, or whose
    system file is broken, is left to the load to report, and so is a federation (its members' own systems
    are read with them)."""
    if not values:
        return
    try:
        root = find_root(path)
        config = load_config(root)
    except CatalogError:
        return
    if config.federation.members:
        return
    system, _, problems = load_system(root, config)
    if system is not None and not problems:
        _modules(values, Catalog(root=root, config=config, system=system), lang)


def _modules(values: list[str], catalog: Catalog, lang: Lang) -> list[str]:
    """``values`` when each is a module of the catalog's system or, in a federation, of a member's own system
    (a province's own module: its records are filed under it)."""
    known = {*catalog.modules, *(module for own in catalog.member_modules.values() for module in own)}
    for value in values:
        if known and value not in known:
            fail(Text(f"--module {value!r} 不在标准体系中",
                      f"--module {value!r} is not a module of the standard system"), lang)
    return values


TierOption = Annotated[list[str] | None, typer.Option(
    "--tier", help="只看这些层级 only these tiers (national, local, 地方标准, …); repeatable.")]
RegionOption = Annotated[list[str] | None, typer.Option(
    "--region", help="只看该行政区划 only this region; a province (41) includes its cities (4103); "
    "repeatable.")]
ModuleOption = Annotated[list[str] | None, typer.Option(
    "--module", help="只看该体系模块及其子模块 only this module and its sub-modules; repeatable.")]
OverdueOption = Annotated[bool, typer.Option("--overdue", help="只看逾期 only overdue standards.")]
DueWithinOption = Annotated[str | None, typer.Option(
    "--due-within", metavar="WINDOW",
    help="只看该期限内到期的 only standards not yet overdue and due within WINDOW (6m, 1y, 90d, 2w); "
    "with --overdue: both.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="输出格式 output format.")]


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    catalog_path: CatalogArgument = None,  # CATALOG_PARAM: `review add` stays a sub-command
    catalog_option: CatalogOption = None,
    as_of: AsOfOption = None,
    tier: TierOption = None,
    region: RegionOption = None,
    module: ModuleOption = None,
    overdue: OverdueOption = False,
    due_within: DueWithinOption = None,
    output_format: FormatOption = Format.table,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """复审工作清单 — the review worklist: in-force standards with their review due dates, most urgent first.

    The clock starts at the effective date and restarts at each review; the period is `[review]` in
    gbstd.toml (default 3 years; per tier and module). States: overdue_hard (past the 5-year legal
    limit), overdue, due_soon (within `due_soon_months`, default 6), current. Ends with a one-line summary
    (on stderr for csv). Exit codes: 0 the worklist was printed, 2 bad arguments or catalog.

    Examples:

        gbstd review standards --as-of 2026-11-23

        gbstd review -C standards --region 41 --overdue --format markdown

        gbstd review -C standards --tier local --due-within 6m --format csv

        gbstd review add "GB/T 41568-2022" -C standards --date 2025-04-10 --conclusion 继续有效 --by 国管局
    """
    if ctx.invoked_subcommand is not None:
        return
    language = lang.value
    catalog_path = named_catalog(catalog_path, catalog_option, language)
    day = parse_as_of(as_of, language)
    window = None
    if due_within is not None:
        try:
            window = parse_window(due_within)
        except ValueError:
            fail(Text(f"--due-within {due_within!r} 应为期限，如 6m、1y、90d、2w",
                      f"--due-within {due_within!r} must be a window like 6m, 1y, 90d or 2w"), language)
    tiers, regions = _tiers(tier or [], language), _regions(region or [], language)
    _modules_before_load(catalog_path, module or [], language)
    catalog = load_union_or_fail(catalog_path, language, member, allow_missing, show=False)
    modules = _modules(module or [], catalog, language)
    policy = catalog.config.review
    worklist = review_worklist(catalog, policy, day, tiers=tiers, regions=regions, modules=modules,
                               overdue=overdue, due_within=window)
    summary = worklist.summary.line(policy).get(language)
    if output_format is Format.json:
        print_document(render_json(worklist, policy, language))
    elif output_format is Format.csv:
        sys.stdout.buffer.write(render_csv(worklist, language))
        sys.stdout.flush()
        stderr.print(summary, markup=False)
    elif output_format is Format.markdown:
        sys.stdout.write(render_markdown(worklist, language) + f"\n{summary}\n")
    else:
        render_table(worklist, language)
        typer.echo(summary)
    if worklist.undated:  # not on the list, and not silently: the system's count has them
        shown = first_names(worklist.undated)
        note(Text(
            f"注意：{len(worklist.undated)} 项现行标准没有实施或发布日期，无法计算复审期限，未列入（{shown.zh}）",
            f"note: {len(worklist.undated)} standard(s) in force have no effective or publication date, so no "
            f"review clock, and are not listed ({shown.en})",
        ), language)


def _days_text(state: ReviewState, lang: Lang) -> str:
    if state.is_overdue:
        return Text(f"逾期 {state.days_overdue} 天", f"{state.days_overdue} days overdue").get(lang)
    return Text(f"剩 {state.days_remaining} 天", f"{state.days_remaining} days left").get(lang)


def _last_text(state: ReviewState, lang: Lang) -> str:
    last = state.last_review
    if last is None:
        return Text("无", "none").get(lang)
    return f"{last.date} {last.conclusion.label.get(lang)}"


def _headers(lang: Lang) -> list[str]:
    pairs = [("状态", "state"), ("标准号", "code"), ("标准名称", "title"), ("层级", "tier"),
             ("模块", "module"), ("到期日", "due"), ("天数", "days"), ("上次复审", "last review")]
    return [Text(*pair).get(lang) for pair in pairs]


def _row(state: ReviewState, lang: Lang) -> list[str]:
    tier = state.record.tier
    return [state.state.label.get(lang), state.key, state.record.title, tier.label.get(lang) if tier else "",
            state.record.standard.module or "", str(state.due), _days_text(state, lang),
            _last_text(state, lang)]


_STYLE = {DueState.OVERDUE_HARD: "bold red", DueState.OVERDUE: "red", DueState.DUE_SOON: "yellow",
          DueState.CURRENT: "green"}


# Past this many items the worklist is laid out a row at a time (gbstd.reporters.long_table), not by rich.
LONG_TABLE = 2000


def render_table(worklist: Worklist, lang: Lang) -> None:
    title = Text(f"复审工作清单（截至 {worklist.as_of}）", f"Review worklist as of {worklist.as_of}")
    if len(worklist.items) > LONG_TABLE:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=200)
        write_long_table(console, title.get(lang), _headers(lang),
                         [[printable(cell) for cell in _row(state, lang)] for state in worklist.items],
                         [_STYLE.get(state.state) for state in worklist.items], foldable=(0, 2, 3, 4, 7))
        return
    table = Table(title=title.get(lang))
    for index, header in enumerate(_headers(lang)):
        # Codes, dates and day counts must stay on one line; the title wraps.
        table.add_column(header, no_wrap=index in (1, 5, 6), overflow="fold")
    for state in worklist.items:
        # Cells as plain rich Text: a title such as "[/]…" is data, not console markup.
        table.add_row(*(RichText(printable(cell)) for cell in _row(state, lang)), style=_STYLE.get(state.state))
    console = Console(highlight=False)
    if not console.is_terminal:  # piped or captured: no terminal width to respect, keep rows whole
        console = Console(highlight=False, width=200)
    console.print(table)


def render_json(worklist: Worklist, policy: ReviewPolicy, lang: Lang) -> str:
    document = {
        "as_of": worklist.as_of.isoformat(),
        "policy": policy.model_dump(mode="json"),
        "summary": worklist.summary.to_json(),
        "undated": worklist.undated,
        "summary_line": worklist.summary.line(policy).get(lang),
        "items": [state.to_json(lang) for state in worklist.items],
    }
    return json_document(document)


CSV_COLUMNS = ["code", "title", "tier", "region", "module", "effective", "last_review", "last_conclusion",
               "due", "days", "state", "zombie", "path"]
# The default (Chinese) table is for people and Excel; --lang en keeps the machine keys and values.
CSV_HEADERS_ZH = ["标准号", "标准名称", "标准层级", "行政区划", "体系编号", "实施日期", "上次复审日期", "上次复审结论",
                  "复审到期日", "剩余天数", "复审状态", "僵尸标准", "文件"]


def render_csv(worklist: Worklist, lang: Lang = "zh") -> bytes:
    """Through the catalog export's CSV writer: UTF-8 with BOM, CRLF, Chinese headers and values by default."""
    zh = lang == "zh"
    rows = []
    for state in worklist.items:
        record, last = state.record, state.last_review
        tier = record.tier
        rows.append([
            record.key, record.title, (tier.label.zh if zh else tier.value) if tier else "", record.region or "",
            record.standard.module or "", record.standard.effective, last.date if last else None,
            last.conclusion.value if last else "", state.due, state.days,
            state.state.label.zh if zh else state.state.value,
            ("是" if state.zombie else "否") if zh else ("yes" if state.zombie else "no"), record.rel,
        ])
    return csv_bytes(CSV_HEADERS_ZH if zh else CSV_COLUMNS, rows)


def render_markdown(worklist: Worklist, lang: Lang) -> str:
    lines = ["| " + " | ".join(_headers(lang)) + " |", "|" + "---|" * len(_headers(lang))]
    lines += ["| " + " | ".join(markdown_text(v) for v in _row(state, lang)) + " |" for state in worklist.items]
    return "\n".join(lines) + "\n"


OPTION_NAMES = {key: Text(f"--{key}", f"--{key}") for key in REVIEW_INPUTS}  # the inputs, as `review add` takes them
DateOption = Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="复审日期 date of the review.")]
ConclusionOption = Annotated[str, typer.Option(
    "--conclusion", help="复审结论 继续有效 / 修订 / 废止 (continue / revise / abolish).")]
ByOption = Annotated[str, typer.Option("--by", help="复审单位 the body that carried out the review.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="备注 note, e.g. the notice publishing it.")]
IllustrativeOption = Annotated[bool, typer.Option(
    "--illustrative", help="标记为示例数据 mark the entry as illustrative (not public data).")]
ReformatOption = Annotated[bool, typer.Option(
    "--reformat", help="允许重排整个文件 allow reformatting a file whose style cannot be kept.")]


def _from_parent(ctx: typer.Context, name: str, value: object) -> object:
    """An option given before ``add`` (``review -C other add …``) counts when ``add`` does not repeat it."""
    def given(context: typer.Context) -> bool:
        source = context.get_parameter_source(name)
        return source is not None and source.name != "DEFAULT"

    parent = ctx.parent
    if parent is None or given(ctx) or not given(parent):
        return value
    return parent.params.get(name, value)


@review_app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="标准号 code of the standard, any common spelling")],
    date: DateOption,
    conclusion: ConclusionOption,
    by: ByOption,
    note: NoteOption = None,
    illustrative: IllustrativeOption = False,
    reformat: ReformatOption = False,
    catalog_path: CatalogOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
) -> None:
    """记录一次复审 — add a review to a standard's file (in date order), keeping its comments and formatting.

    The write is atomic; on any error (unknown code, impossible or future date, date before the standard
    took effect, conclusion not 继续有效/修订/废止) nothing is written and the exit code is 2.

    Examples:

        gbstd review add "DB41/T 2397-2023" -C standards --date 2026-07-20 --conclusion 继续有效 --by 河南省局

        gbstd review add GB/T41568-2022 --date 2025-04-10 --conclusion revise --by 国管局 --note "通知文号"
    """
    as_of = _from_parent(ctx, "as_of", as_of)  # type: ignore[assignment]
    lang = LangChoice(_from_parent(ctx, "lang", lang))
    language = lang.value
    if catalog_path is None and ctx.parent is not None:  # `review -C OTHER add …` or `review OTHER add …`
        named = named_catalog(ctx.parent.params.get("catalog_path"), ctx.parent.params.get("catalog_option"),
                              language)
    else:
        named = named_catalog(None, catalog_path, language)
    day = parse_as_of(as_of, language)
    for option, value in (("--by", by), ("--note", note)):  # typed on a GBK terminal under a UTF-8 locale
        if value and has_undecodable(value):
            fail(Text(f"{option} 含有非 UTF-8 字节（终端不是 UTF-8 编码？）",
                      f"{option} holds bytes that are not UTF-8 (is the terminal not UTF-8?)"), language)
    try:  # the web editor's review form says the same, naming its inputs instead of the options
        entry = review_from_input({"date": date, "conclusion": conclusion, "by": by, "note": note}, OPTION_NAMES,
                                  illustrative=illustrative)
    except CatalogError as exc:
        fail(exc.text, language)
    catalog = load_holders_or_fail(named, language, [code], show=False)
    try:
        record = add_review(catalog, code, entry, as_of=day, allow_reformat=reformat)
    except CatalogError as exc:
        fail(exc.text, language)
    when, what = entry.date, entry.conclusion
    done = Text(f"已记录 {record.key} 的复审（{when}，{what.value}）：{record.rel}",
                f"recorded a review of {record.key} ({when}, {what.label.en}) in {record.rel}")
    typer.echo(done.get(language))

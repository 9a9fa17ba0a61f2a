"""``gbstd dupes``: groups of likely duplicate standards (重复建设), strongest first."""

from __future__ import annotations

import gc
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.catalog import Catalog
from gbstd.cli.common import (
    AllowMissingOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    detection_stage,
    fail,
    load_union_or_fail,
    named_catalog,
    progress_bar,
)
from gbstd.cli.console import document_stream
from gbstd.gcpause import without_cycle_collection
from gbstd.i18n import Lang, Text
from gbstd.reporters.dupes import DUPES_FORMATS, Against, render_table, write_json
from gbstd.similarity import find_groups


class DupesFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def _score_option(value: float | None) -> float | None:
    """A score from 0 to 1 or a percentage up to 100 (NaN, which every range check lets through, was reported
    as "more than 100")."""
    if value is not None and not (math.isfinite(value) and 0 <= value <= 100):
        raise typer.BadParameter(f"{value} is not a score from 0 to 1 (or a percentage from 1 to 100)")
    return value


def dupes(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_format: Annotated[DupesFormat, typer.Option("--format", "-f", help="输出格式 output format.")] = DupesFormat.table,
    min_score: Annotated[
        float | None,
        typer.Option("--min-score", callback=_score_option, help="报告阈值 report pairs scoring at least this: 0–1 (or a percentage "
                     "1–100); default [duplicates] min_score, 0.75."),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option("--against", help="参照目录 compare with this reference catalog (e.g. the national list) instead of "
                     "within PATH: only pairs across the two are reported."),
    ] = None,
    show_supersession: Annotated[
        bool, typer.Option("--supersession", help="也列出代替关系（前后版本） also list predecessor/successor pairs.")
    ] = False,
    flat_pairs: Annotated[
        bool, typer.Option("--pairs", help="逐对列出 JSON/CSV: a flat list of pairs (each with its group) instead of groups; "
                     "not with the table or Markdown.")
    ] = False,
    all_pairs: Annotated[
        bool, typer.Option("--all-pairs", help="列出组内全部对 keep every pair of every group, not only the strongest "
                           "spanning set (n − 1 for n members): memory grows with the square of a group.")
    ] = False,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """查找重复标准 — find likely duplicate and overlapping standards, grouped, strongest first.

    Records linked by likely-duplicate pairs form a group (26 copies of one subject are one group, not 325
    pairs); each group lists its members and its strongest pairs. Each pair gets a score (0–1), a kind and advice: `same-code`, `merge` (same tier and region),
    `adopt-upper` (a lower tier re-makes a national, industry or provincial standard: `a` is the upper one),
    `sibling` (another region has one: consider adopting it), `supersession` (its own predecessor; hidden unless
    --supersession). Pairs a record lists in `distinct_from` are not reported. Exit codes: 0 done (whether or
    not duplicates were found), 2 the tool could not run.

    Examples:

        gbstd dupes standards

        gbstd dupes standards --format json --min-score 0.9 > dupes.json

        gbstd dupes standards --format json --pairs --all-pairs > every-pair.json

        gbstd dupes my-city-catalog --against national-catalog --format markdown
    """
    language = lang.value
    if flat_pairs and output_format in (DupesFormat.table, DupesFormat.markdown):
        # the table and Markdown list groups: --pairs was silently ignored and the groups came out
        fail(Text(f"--pairs 只用于 JSON 或 CSV 输出（-f json、-f csv），-f {output_format.value} 按组列出",
                  f"--pairs is for JSON or CSV output (-f json, -f csv); -f {output_format.value} lists groups"),
             language)
    path = named_catalog(path, catalog_option, language)
    threshold = None if min_score is None else (min_score / 100 if min_score > 1 else min_score)
    show = sys.stderr.isatty() and (sys.stdout.isatty() or output_format is DupesFormat.table)
    # Loading and detection make millions of objects and next to no reference cycles: no cycle collection
    # while they run, one collection after loading (what a broken file's traceback may have left in cycles).
    with without_cycle_collection():
        catalog = load_union_or_fail(path, language, member, allow_missing, show=show)
        reference = None
        if against is not None:
            reference = load_union_or_fail(
                against, language, allow_missing=allow_missing, label=Text("加载参照目录", "loading the reference"),
                show=show,
            )
            if reference.root == catalog.root:
                fail(Text(f"--against {against} 与 {path} 是同一个目录",
                          f"--against {against} is the same catalog as {path}"), language)
        gc.collect()
        sides = Against(frozenset(map(id, reference.records)), str(against)) if reference is not None else None
        _report(catalog, reference, output_format, threshold, show_supersession, flat_pairs, all_pairs, language,
                show, sides)


def _report(
    catalog: Catalog, reference: Catalog | None, output_format: DupesFormat, threshold: float | None,
    show_supersession: bool, flat_pairs: bool, all_pairs: bool, language: Lang, show: bool,
    sides: Against | None = None,
) -> None:
    with progress_bar("查重 comparing" if language == "zh" else "comparing", enabled=show) as bar:
        def report(stage: str, done: int, total: int) -> None:
            if bar:
                bar.update(0, description=detection_stage(stage, language), completed=done, total=total)

        found = find_groups(catalog, catalog.config.duplicates, reference, min_score=threshold, progress=report,
                            all_pairs=all_pairs)
    extra = found.extra if show_supersession else []
    if output_format is DupesFormat.table:
        sys.stdout.write(render_table(found.groups, extra, language, sys.stdout.isatty(), sides))
    elif output_format is DupesFormat.json:
        with document_stream() as stream:
            write_json(found.groups, extra, language, stream, flat_pairs, sides)
    else:
        rendered = DUPES_FORMATS[output_format.value](found.groups, extra, language, flat_pairs, sides)
        if isinstance(rendered, bytes):  # CSV: the catalog export's bytes, BOM included
            sys.stdout.buffer.write(rendered)
            sys.stdout.flush()
        else:
            sys.stdout.write(rendered)

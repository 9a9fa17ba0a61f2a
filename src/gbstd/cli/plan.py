"""``gbstd plan status``: how far each pilot plan (试点工作方案) has come on a given day."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Annotated

import typer

from gbstd.catalog.catalog import Catalog, PlanFile
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.loader import load_catalog_cached
from gbstd.cli.common import (
    AsOfOption,
    CatalogOption,
    LangChoice,
    LangOption,
    fail,
    input_path,
    named_catalog,
    note_unread,
    parse_as_of,
    stderr,
)
from gbstd.cli.console import print_document
from gbstd.i18n import Lang, Text
from gbstd.plans import plan_progress
from gbstd.reports.plan_status import render_json, render_markdown, render_text

plan_app = typer.Typer(
    name="plan",
    help="试点工作方案 — pilot plans kept in the catalog's plans/ directory.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@plan_app.command()
def status(
    plan: Annotated[
        str | None,
        typer.Argument(
            help="方案 a plan file, a catalog directory (all its plans) or a plan name such as "
            "henan-2021 (default: every plan of the catalog in --catalog)"
        ),
    ] = None,
    catalog_dir: CatalogOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="输出格式 output format.")
    ] = Format.text,
    lang: LangOption = LangChoice.zh,
) -> None:
    """方案进度 — current phase and time left, targets counted in the catalog, tasks done / open /
    overdue, reports due.

    Targets count standards matching their filter published (or effective) within their window up to --as-of,
    both ends inclusive; a city standard (DB4103) counts toward its province (41); abolished ones don't.
    JSON output is an array with one object per plan; its days_left (the plan's and each phase's) is the days
    from --as-of to that span's last day, whether it has begun or not (0 on its last day and after).
    Exit codes: 0 shown, 2 could not run (no such plan).

    Examples:

        gbstd plan status standards --as-of 2022-06-30

        gbstd plan status henan-2021 -C standards --format json

        gbstd plan status standards/plans/henan-2021.yaml --format markdown --lang en
    """
    language: Lang = lang.value
    day = parse_as_of(as_of, language)
    as_path = input_path(plan, language, "PLAN")
    catalog_path = input_path(catalog_dir, language, "-C/--catalog")
    if as_path is not None and as_path.is_dir():  # PLAN names the catalog: the same as -C
        start = named_catalog(plan, catalog_dir, language)
    else:
        start = as_path if as_path is not None and as_path.exists() else catalog_path or Path(".")
    try:
        catalog = load_catalog_cached(start)
    except CatalogError as exc:
        fail(exc.text, language)
    if plan is None or (as_path is not None and as_path.is_dir()):
        # every plan: one left out is said (a plan named alone that is not valid is refused below)
        note_unread(catalog, language, catalog.config.catalog.plans)
    chosen = _choose(catalog, plan, as_path, language)
    progress = [plan_progress(plan_file, catalog, day) for plan_file in chosen]
    if output_format is Format.json:
        print_document(render_json(progress))
    elif output_format is Format.markdown:
        sys.stdout.write(render_markdown(progress, language))
    else:
        sys.stdout.write(render_text(progress, language, color=sys.stdout.isatty()))


def _choose(catalog: Catalog, plan: str | None, as_path: Path | None, lang: Lang) -> list[PlanFile]:
    broken = {f.path for f in catalog.load_findings if f.path.startswith(catalog.config.catalog.plans + "/")}
    if as_path is not None and as_path.is_file():
        wanted = as_path.resolve()
        found = [p for p in catalog.plans if p.path.resolve() == wanted]
        if not found:
            rel = _rel(catalog, wanted)
            if rel in broken:
                fail(
                    Text(
                        f"方案文件 {plan} 有错误，先运行 `gbstd lint`",
                        f"plan file {plan} has errors; run `gbstd lint`",
                    ),
                    lang,
                )
            fail(
                Text(
                    f"{plan} 不是目录 {catalog.config.catalog.plans}/ 中的方案文件",
                    f"{plan} is not a plan file in the catalog's {catalog.config.catalog.plans}/ directory",
                ),
                lang,
            )
        return found
    if plan is not None and (as_path is None or not as_path.exists()):
        found = [p for p in catalog.plans if p.key == plan]
        invalid = sorted(rel for rel in broken if PurePosixPath(rel).stem == plan)
        if not found and invalid:  # the file is there, but not a valid plan: not "no such plan"
            fail(Text(f"方案文件 {invalid[0]} 有错误，先运行 `gbstd lint`",
                      f"plan file {invalid[0]} has errors; run `gbstd lint`"), lang)
        if not found:
            known = ", ".join(p.key for p in catalog.plans) or "—"
            fail(
                Text(
                    f"目录中没有方案 {plan}（已有：{known}）",
                    f"no plan {plan} in the catalog (known: {known})",
                ),
                lang,
            )
        return found
    if not catalog.plans:
        said = Text(f"目录 {catalog.root.name} 中没有方案（{catalog.config.catalog.plans}/）",
                    f"the catalog {catalog.root.name} has no plans ({catalog.config.catalog.plans}/)")
        if broken:  # there are plan files, none of them valid: that is an error
            fail(Text(f"{said.zh}，部分方案文件有错误，先运行 `gbstd lint`",
                      f"{said.en}; some plan files have errors, run `gbstd lint`"), lang)
        # no plans at all is an answer, not a failure (a CI step on a catalog without plans)
        stderr.print(said.get(lang), markup=False, highlight=False)
    return list(catalog.plans)


def _rel(catalog: Catalog, path: Path) -> str | None:
    try:
        return path.relative_to(catalog.root.resolve()).as_posix()
    except ValueError:
        return None

"""``gbstd system``: the standard system as a tree with counts per module, and its framework diagram."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from gbstd.cli.common import (
    AllowMissingOption,
    AsOfOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    fail_unwritable,
    load_union_or_fail,
    named_catalog,
    parse_as_of,
    stderr,
)
from gbstd.cli.console import print_document
from gbstd.coverage import summarize
from gbstd.diagram import DiagramError, write_diagram
from gbstd.i18n import Text
from gbstd.jsontext import json_document
from gbstd.system_report import system_markdown, system_tree


class SystemFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def system(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_format: Annotated[
        SystemFormat, typer.Option("--format", "-f", help="输出格式 output format.")
    ] = SystemFormat.text,
    diagram: Annotated[
        Path | None,
        typer.Option(
            "--diagram",
            metavar="FILE.svg|FILE.png",
            help="另存框架图 also draw the framework diagram (SVG or PNG, by suffix).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """标准体系 — the standard system as a tree with counts per module.

    Per module: standards in force, upcoming, abolished, and projects in progress.

    Counts include sub-modules. Modules with nothing in force are marked as gaps (see rules S001, S002).
    The diagram is drawn by gbstd itself (no system package needed), or by Graphviz (`dot`) where installed.

    Exit codes: 0 done, 2 could not run (no catalog, no system.yaml, diagram failed).

    Examples:

        gbstd system standards

        gbstd system standards --format markdown > system.md

        gbstd system standards --diagram framework.svg --as-of 2026-06-30
    """
    language = lang.value
    path = named_catalog(path, catalog_option, language)
    day = parse_as_of(as_of, language)
    catalog = load_union_or_fail(path, language, member, allow_missing, show=False)
    if catalog.system is None:
        where = catalog.config.catalog.system
        fail(
            Text(
                f"目录中没有可用的标准体系文件 {where}（不存在或有错误，见 `gbstd lint`）",
                f"the catalog has no usable standard system file {where} "
                "(missing or invalid; see `gbstd lint`)",
            ),
            language,
        )
    summary = summarize(catalog, day)
    if diagram is not None:
        try:
            write_diagram(summary, diagram, language)
        except DiagramError as exc:
            fail(exc.text, language)
        except OSError as exc:
            fail_unwritable(diagram, exc, language)
        stderr.print(Text(f"已写入框架图 {diagram}", f"wrote the diagram to {diagram}").get(language))
    if output_format is SystemFormat.json:
        print_document(json_document(summary.to_json()))
    elif output_format is SystemFormat.markdown:
        typer.echo(system_markdown(summary, language), nl=False)
    else:
        tty = sys.stdout.isatty()
        Console(highlight=False, no_color=not tty, width=None if tty else 200).print(
            system_tree(summary, language)
        )

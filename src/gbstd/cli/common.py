"""Shared command-line plumbing: options, "today", the console, errors and exit codes.

Exit codes are a contract (documented in --help and README): 0 nothing at error level, 1 findings,
2 the tool could not do its job (bad config, missing path, internal error).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.loader import load_catalog
from gbstd.i18n import Lang, Text
from gbstd.printable import printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class LangChoice(str, Enum):
    zh = "zh"
    en = "en"


LangOption = Annotated[LangChoice, typer.Option("--lang", help="消息语言 message language: zh (default) or en.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="以哪一天为“今天” the day to judge statuses and deadlines by (default: today)."),
]


def today() -> dt.date:
    """The only place that reads the clock: everything below the CLI takes the date as a parameter."""
    return dt.date.today()


def parse_as_of(value: str | None, lang: Lang) -> dt.date:
    if value is None:
        return today()
    return parse_date_option(value, "--as-of", lang)


def parse_date_option(value: str, option: str, lang: Lang) -> dt.date:
    """A YYYY-MM-DD option value, or a one-line error naming the option (exit 2)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(Text(f"{option} {value!r} 不是有效日期（YYYY-MM-DD）", f"{option} {value!r} is not a valid date (YYYY-MM-DD)"), lang)


def load_catalog_or_fail(path: Path, lang: Lang, label: Text | None = None, *, show: bool | None = None) -> Catalog:
    """Load the catalog that holds ``path`` behind a progress bar; any CatalogError is a one-line exit 2."""
    if not path.exists():
        fail(Text(f"路径不存在：{path}", f"no such path: {path}"), lang)
    text = (label or Text("加载", "loading")).get(lang)
    try:
        with progress_bar(text, enabled=show) as bar:
            return load_catalog(
                path,
                progress=(lambda n: bar.advance(0, n)) if bar else None,
                on_total=(lambda total: bar.update(0, total=total)) if bar else None,
            )
    except CatalogError as exc:
        fail(exc.text, lang)


def fail(message: Text, lang: Lang, code: int = EXIT_ERROR) -> NoReturn:
    # The message is text, not markup: codes such as "PREFIX[/T]" must not be read as rich tags; it may
    # quote a file name or a git ref, so control characters go.
    stderr.print(f"[bold red]gbstd:[/] {escape(printable(message.get(lang)))}", markup=True, highlight=False)
    raise typer.Exit(code)


def show_progress() -> bool:
    return sys.stderr.isatty()


@contextmanager
def progress_bar(label: str, total: int | None = None, enabled: bool | None = None) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, only when stderr is a terminal (never in pipes or CI logs)."""
    if not (show_progress() if enabled is None else enabled):
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr, transient=True,
    ) as bar:
        bar.add_task(label, total=total)
        yield bar

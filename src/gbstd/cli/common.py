"""Shared command-line plumbing: options, "today", the console, errors and exit codes.

Exit codes are a contract (documented in --help and README): 0 nothing at error level, 1 findings,
2 the tool could not do its job (bad config, missing path, internal error).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from gbstd.catalog.atomic import unwritable_reason
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.federation import load_union
from gbstd.catalog.holders import load_holders
from gbstd.catalog.loader import load_catalog_cached
from gbstd.catalog.record_edit import EditError, typed_date
from gbstd.catalog.safe_read import dangling_link
from gbstd.cli.leave import EXIT_ERROR  # the exit statuses live beside leave(); commands take them from here
from gbstd.cli.leave import EXIT_FINDINGS as EXIT_FINDINGS
from gbstd.cli.leave import EXIT_OK as EXIT_OK
from gbstd.i18n import Lang, Text
from gbstd.printable import printable

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class LangChoice(str, Enum):
    zh = "zh"
    en = "en"


LangOption = Annotated[LangChoice, typer.Option("--lang", help="消息语言 message language: zh (default) or en.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="以哪一天为“今天” the day to judge statuses and deadlines by (default: today)."),
]


# One way to name the catalog, for every command: an optional positional PATH, or -C PATH (as git -C, make
# -C), meaning the same: the catalog directory or any path inside it. Commands whose positional is something
# else (review add CODE, import FILE, new CODE, plan status PLAN) take -C only.
_CATALOG_HELP = "标准目录 the catalog directory or any path inside it (default: .)"
# Text, not ``Path``: typer's ``Path`` turns an empty argument into ``.`` before a command sees it, and an empty
# path is refused (:func:`input_path`), never read as the current directory.
CatalogArgument = Annotated[str | None, typer.Argument(
    metavar="PATH", show_default=False, help=f"{_CATALOG_HELP}; the same as -C PATH",
)]
CatalogPathsArgument = Annotated[list[str] | None, typer.Argument(
    metavar="PATH", show_default=False,
    help="目录或其中的文件 the catalog directory or files in it (default: .); -C PATH is the same",
)]
CatalogOption = Annotated[str | None, typer.Option(
    "--catalog", "-C", metavar="PATH", show_default=False, help=f"{_CATALOG_HELP}; the same as the positional PATH",
)]

# A federating catalog (gbstd.toml [[federation.members]]) is read with its members; these narrow and relax that.
MemberOption = Annotated[list[str] | None, typer.Option(
    "--member", metavar="NAME", show_default=False,
    help="只读这些成员 read only these federation members (repeatable; the federating catalog's own files stay).",
)]
AllowMissingOption = Annotated[bool, typer.Option(
    "--allow-missing", help="跳过缺失或未同步的成员 skip missing or unsynced federation members with a warning.",
)]


def _same_path(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def input_path(value: str | None, lang: Lang, option: str, *, file: bool = False) -> Path | None:
    """The path an argument or option names for a command to read or work in (``-C``, ``PATH``, ``--into``;
    with ``file``, a file to read: ``FILE``, ``--notes``). An empty one (``-C "$DIR"`` with ``DIR`` unset) is
    refused naming it, one line, exit 2: as a ``Path`` it is ``.``, and the command would quietly work on the
    current directory instead. As :func:`output_path`, the options take text for this."""
    if value is None:
        return None
    if not value and file:
        fail(Text(f"{option} 为空：请给出要读取的文件", f"{option} is empty: give it the file to read"), lang)
    if not value:
        fail(Text(f"{option} 为空：请给出路径（当前目录请写 .）",
                  f"{option} is empty: give it a path (. for the current directory)"), lang)
    return Path(value)


def named_catalog(positional: str | None, option: str | None, lang: Lang) -> Path:
    """The catalog a command works on: the positional PATH or ``-C PATH`` (default ``.``); both given and
    different is an error (exit 2), since one of them would be silently ignored. Either one empty is refused
    (:func:`input_path`)."""
    first, second = input_path(positional, lang, "PATH"), input_path(option, lang, "-C/--catalog")
    if first is not None and second is not None and not _same_path(first, second):
        fail(Text(f"目录给了两次且不一致：{first} 与 -C {second}",
                  f"the catalog is named twice, differently: {first} and -C {second}"), lang)
    return first or second or Path(".")


def named_catalogs(positionals: list[str] | None, option: str | None, lang: Lang) -> list[Path]:
    """Like :func:`named_catalog` for commands that take several paths (``lint``, ``fmt``)."""
    if option is not None:
        for positional in positionals or [None]:
            named_catalog(positional, option, lang)
        return [Path(option)]
    return [named_catalog(positional, None, lang) for positional in positionals or [None]]


class CatalogGroup(TyperGroup):
    """A command group whose callback takes the catalog as a positional PATH (``gbstd review standards``)
    while its sub-commands stay reachable: a positional naming a sub-command is that sub-command (so a
    catalog directory named like one needs ``./add`` or ``-C add``)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if not any(arg in self.commands for arg in args):
            # No sub-command: options may follow PATH (`review standards --as-of …`), as for any command.
            ctx.allow_interspersed_args = True
        rest = super().parse_args(ctx, args)
        value = ctx.params.get(CATALOG_PARAM)
        if value is not None and str(value) in self.commands:
            ctx.params[CATALOG_PARAM] = None
            rest = [str(value), *ctx._protected_args, *ctx.args]
            ctx._protected_args, ctx.args = rest[:1], rest[1:]
            return ctx.args
        return rest


CATALOG_PARAM = "catalog_path"  # the parameter name a CatalogGroup's callback gives its positional PATH


def output_path(value: str | None, lang: Lang, option: str = "-o/--output") -> Path | None:
    """The path an output option names, for every command that writes one. An empty one (``-o "$OUT"`` with
    ``OUT`` unset) is refused naming the option, one line, exit 2: as a ``Path`` it is ``.``, which commands
    then misread (a file to write that is the current directory, or files written into it unasked).
    The options take text (``str``) for this: typer's ``Path`` turns ``''`` into ``.`` before a command sees it."""
    if value is None:
        return None
    if not value:
        fail(Text(f"{option} 为空：请给出要写入的路径", f"{option} is empty: give it the path to write"), lang)
    return Path(value)


def today() -> dt.date:
    """The only place that reads the clock: everything below the CLI takes the date as a parameter."""
    return dt.date.today()


def parse_as_of(value: str | None, lang: Lang) -> dt.date:
    if value is None:
        return today()
    return parse_date_option(value, "--as-of", lang)


def parse_date_option(value: str, option: str, lang: Lang) -> dt.date:
    """A YYYY-MM-DD option value, or a one-line error naming the option (exit 2), in review add --date's words."""
    try:
        return typed_date(value, Text(option, option))
    except EditError as exc:
        fail(exc.text, lang)


def load_catalog_or_fail(path: Path, lang: Lang, label: Text | None = None, *, show: bool | None = None) -> Catalog:
    """Load the catalog that holds ``path`` (with its cache) behind a progress bar; any CatalogError is a
    one-line exit 2."""
    return _load_or_fail(path, lang, label, show, load_catalog_cached)


def load_holders_or_fail(path: Path, lang: Lang, codes: list[str], *, show: bool | None = None) -> Catalog:
    """:func:`load_catalog_or_fail` for a command that reads the records of ``codes`` and nothing else of the
    records (:func:`gbstd.catalog.holders.load_holders`: a partial catalog)."""
    return _load_or_fail(path, lang, None, show, partial(load_holders, raw_codes=codes))


def load_union_or_fail(
    path: Path, lang: Lang, members: list[str] | None = None, allow_missing: bool = False,
    label: Text | None = None, *, show: bool | None = None,
) -> Catalog:
    """Load the catalog holding ``path``, with its federation members when it has any (see
    :mod:`gbstd.catalog.federation`); any CatalogError is a one-line exit 2, a skipped member a warning."""
    return _load_or_fail(path, lang, label, show, partial(
        load_union, members=members, allow_missing=allow_missing, warn=lambda message: warn(message, lang),
        use_cache=True,
    ))


def _load_or_fail(
    path: Path, lang: Lang, label: Text | None, show: bool | None, loader: Callable[..., Catalog]
) -> Catalog:
    fail_if_missing(path, lang)
    text = (label or Text("加载", "loading")).get(lang)
    try:
        with progress_bar(text, enabled=show) as bar:
            catalog = loader(
                path,
                progress=(lambda n: bar.advance(0, n)) if bar else None,
                on_total=(lambda total: bar.update(0, total=total)) if bar else None,
            )
    except CatalogError as exc:
        fail(exc.text, lang)
    note_unread(catalog, lang)
    return catalog


def note_unread(catalog: Catalog, lang: Lang, under: str | None = None) -> None:
    """Say on stderr which files a command's counts and lists leave out (:meth:`Catalog.unread`; ``under``: only
    those in that directory of the catalog): a bulletin's figures, a worklist or a table made without them must
    not look complete."""
    unread = [rel for rel in catalog.unread() if under is None or rel.startswith(under.rstrip("/") + "/")]
    if not unread:
        return
    shown = first_names(unread)
    note(Text(
        f"注意：{len(unread)} 个文件无法读取或不合格式，未计入（{shown.zh}；原因见 gbstd lint）",
        (f"note: {len(unread)} files could not be read or are not valid, and are left out " if len(unread) > 1 else
         "note: 1 file could not be read or is not valid, and is left out ")
        + f"({shown.en}; gbstd lint says why)",
    ), lang)


def note_repeated(catalog: Catalog, lang: Lang) -> None:
    """Say on stderr which record files hold a code an earlier file holds (C008) and are counted once."""
    repeated = catalog.repeated()
    if not repeated:
        return
    shown = first_names(repeated)
    note(Text(
        f"注意：{len(repeated)} 个文件的标准号已由另一文件使用，同一标准只计 1 次（{shown.zh}；见 gbstd lint 的 C008）",
        f"note: {len(repeated)} record file(s) hold a code another file holds; each standard is counted once "
        f"({shown.en}; see C008 in gbstd lint)",
    ), lang)


def first_names(names: list[str], shown: int = 3) -> Text:
    """The first ``shown`` of ``names`` for a note, then "…" when there are more (the note says how many)."""
    more = "…" if len(names) > shown else ""
    return Text("、".join(names[:shown]) + more, ", ".join(names[:shown]) + more)


def note(message: Text, lang: Lang) -> None:
    """A note on stderr (what a command's output leaves out, and why); the command goes on."""
    stderr.print(printable(message.get(lang)), markup=False, highlight=False)


def warn(message: Text, lang: Lang) -> None:
    """A one-line warning on stderr; the command goes on."""
    label = Text("警告", "warning").get(lang)
    stderr.print(f"gbstd: {label}: {printable(message.get(lang))}", markup=False, highlight=False)


def fail_unwritable(target: object, exc: OSError, lang: Lang, then: Text | None = None) -> NoReturn:
    """A file or directory the system would not let a command write: its name and the system's reason (and
    ``then``, what became of the output), one line, exit 2."""
    reason = unwritable_reason(exc, target)
    after = then or Text("", "")
    fail(Text(f"无法写入 {target}：{reason.zh}{after.zh}", f"cannot write {target}: {reason.en}{after.en}"), lang)


def fail_if_missing(path: Path, lang: Lang) -> None:
    """A path the user named that is not there: one line, exit 2. A link to nothing says where it leads (the
    path is there, as a link: "no such path" sent users looking for the wrong thing)."""
    if path.exists():
        return
    fail(dangling_link(path) or Text(f"路径不存在：{path}", f"no such path: {path}"), lang)


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


# Duplicate detection's stages (gbstd.similarity.duplicates) as a progress bar names them.
DETECTION_STAGES = {
    "subjects": Text("查重：提取主题", "duplicates: subjects"),
    "minhash": Text("查重：主题指纹", "duplicates: minhash"),
    "similar subjects": Text("查重：相近主题", "duplicates: similar subjects"),
    "same subject": Text("查重：同一主题", "duplicates: same subject"),
    "scoring": Text("查重：评分与分组", "duplicates: scoring and grouping"),
}


def detection_stage(name: str, lang: Lang) -> str:
    """What a progress bar calls duplicate detection's stage ``name``."""
    label = DETECTION_STAGES.get(name)
    return label.get(lang) if label else name


def detection_line(bar: Progress | None, lang: Lang) -> Callable[[str, int, int], None] | None:
    """What reports duplicate detection's stages as a second line of ``bar`` (its first line counts the
    command's own steps, which wait meanwhile: at 100 000 records detection is most of a bulletin's time)."""
    if bar is None:
        return None
    line: list[TaskID] = []  # added when detection starts, so that its clock starts then

    def stage(name: str, done: int, total: int) -> None:
        description = detection_stage(name, lang)
        if not line:
            line.append(bar.add_task(description, total=total))
        bar.update(line[0], description=description, completed=done, total=total)

    return stage

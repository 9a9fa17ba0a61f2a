"""``gbstd new CODE --title …``: create one record file with the schema line and the required fields."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.holders import load_holders
from gbstd.catalog.newrecord import CodeTooLong
from gbstd.cli.common import AsOfOption, LangChoice, LangOption, fail, input_path, parse_as_of
from gbstd.i18n import Lang, Text
from gbstd.model.standard import Status, parse_status
from gbstd.rules.recheck import entry_checker
from gbstd.scaffold import ScaffoldError, new_record
from gbstd.tabular.cells import CellError, folded_name, parse_date


def new(
    code: Annotated[
        str, typer.Argument(help="标准号 standard code, e.g. 'DB41/T 2144-2021'", metavar="CODE")
    ],
    title: Annotated[str, typer.Option("--title", "-t", help="标准名称 title (required).")],
    status: Annotated[
        str | None,
        typer.Option("--status", help="状态 现行/即将实施/废止 (default: from the dates, else 现行)."),
    ] = None,
    published: Annotated[str | None, typer.Option("--published", help="发布日期 YYYY-MM-DD.")] = None,
    effective: Annotated[str | None, typer.Option("--effective", help="实施日期 YYYY-MM-DD.")] = None,
    abolished: Annotated[str | None, typer.Option("--abolished", help="废止日期 YYYY-MM-DD (with --status 废止).")] = None,
    module: Annotated[
        str | None,
        typer.Option(
            "--module",
            "-m",
            help="体系编号 module of the standard system; required when the catalog has a system "
            "(asked for on a terminal).",
        ),
    ] = None,
    into: Annotated[
        str, typer.Option("--into", "--catalog", "-C", metavar="PATH",
                           help="标准目录 catalog (default: the one holding .); -C as for every command.")
    ] = ".",
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
) -> None:
    """新建一条标准记录 — create `records/<tier>/<code>.yaml` with the schema line and the required fields.

    Refuses a code that cannot be understood or that already has a record, an unknown status, a module
    that is not in the standard system (or none, when the system has modules: rule C016), a
    publication date after the effective date (rule C006), and a status its dates contradict (rule C007:
    废止 needs --abolished); exit 2.

    Examples:

        gbstd new "DB41/T 2144-2021" --title 机关食堂服务规范 --module 302

        gbstd new "GB/T 41568-2022" -t "机关事务管理 术语" --published 2022-04-15 --effective 2022-04-15
    """
    language = lang.value
    catalog_path = input_path(into, language, "--into/-C") or Path(".")
    day = parse_as_of(as_of, language)
    dates = {}
    for name, value in (("published", published), ("effective", effective), ("abolished", abolished)):
        try:
            dates[name] = parse_date(value)
        except CellError as exc:
            fail(Text(f"--{name} {exc.reason.zh}", f"--{name} {exc.reason.en}"), language)  # as --title, --status
    if not title.strip():
        fail(Text("--title 不能为空", "--title must not be empty"), language)
    # a title pasted from a web page or Word (U+00A0, U+3000) or over two lines is written as `import` writes it
    title, folded = folded_name(title, Text("标准名称", "the title"))
    status = _status(status, language)
    try:
        root = find_root(catalog_path)
        config = load_config(root)
        catalog = load_holders(root, [code])  # the system, and the records holding this code
        module, known = _module(catalog, module, language)
        path = new_record(
            root, config, code, title, as_of=day, status=status, fields={**dates, "module": module}, modules=known,
            check=entry_checker(Catalog(root=root, config=config), day),  # rules of the record's own data alone
            by_code=catalog.by_code,
        )
    except (CatalogError, ScaffoldError, CodeTooLong) as exc:
        fail(exc.text, language)
    typer.echo(f"{'已创建' if language == 'zh' else 'created'} {path.relative_to(root).as_posix()}")
    for note in folded:
        typer.echo(note.get(language))


def _status(raw: str | None, lang: Lang) -> str | None:
    """A status word in either language (现行有效, in force …) as the record writes it; one line if unknown."""
    if raw is None:
        return None
    status = parse_status(raw)
    if status is None:
        allowed = " / ".join(s.value for s in Status)
        fail(Text(f"--status {raw!r} 不是状态（{allowed}）", f"--status {raw!r} is not a status ({allowed})"), lang)
    return status.value


def _module(catalog: Catalog, module: str | None, lang: Lang) -> tuple[str | None, list[str]]:
    """The system's modules, asking for the module on a terminal when it is missing (C016 needs one)."""
    known = list(catalog.modules)
    if known and module is None and sys.stdin.isatty():
        module = typer.prompt("体系编号 module" if lang == "zh" else "module (体系编号)").strip() or None
    return module, known

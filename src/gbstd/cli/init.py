"""``gbstd init DIR``: scaffold a new catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.atomic import written_before
from gbstd.cli.common import LangChoice, LangOption, fail, fail_unwritable
from gbstd.i18n import Text
from gbstd.scaffold import DEFAULT_SYSTEM_NAME, ScaffoldError, init_catalog


def init(
    target: Annotated[
        str, typer.Argument(help="新目录 directory for the new catalog (created if missing)", metavar="DIR")
    ],
    name: Annotated[
        str, typer.Option("--name", help="标准体系名称 name of the standard system.")
    ] = DEFAULT_SYSTEM_NAME,
    lang: LangOption = LangChoice.zh,
) -> None:
    """新建标准目录 — scaffold a catalog: gbstd.toml (every option, commented), system.yaml (starting
    modules), records/, schemas/, README.md, .gitignore, .pre-commit-config.yaml and a CI workflow.

    Existing files are never overwritten; a directory that already has a gbstd.toml is refused (exit 2).

    Examples:

        gbstd init 标准目录

        gbstd init catalog --name 河南省机关事务标准体系 && cd catalog && gbstd import ../明细表.xlsx
    """
    language = lang.value
    if not target.strip():  # Path("") is ".": an empty argument must not scaffold into the working directory
        fail(Text("目录名不能为空（当前目录请写 .）", "the directory must not be empty (write . for this one)"),
             language)
    directory = Path(target)
    try:
        result = init_catalog(directory, name)
    except ScaffoldError as exc:
        fail(exc.text, language)
    except OSError as exc:  # the files are written together: none of them, or each one whole
        fail_unwritable(exc.filename or directory, exc, language, written_before(exc, directory))
    zh = language == "zh"
    for rel in result.created:
        typer.echo(f"{'已创建' if zh else 'created'} {(directory / rel).as_posix()}")
    for rel in result.kept:
        typer.echo(f"{'已存在，保留' if zh else 'kept existing'} {(directory / rel).as_posix()}")
    after = f"cd {directory} && gbstd import"
    typer.echo(
        f"下一步：{after} 明细表.xlsx（或 gbstd new 标准号 --title 名称），然后 gbstd lint"
        if zh
        else f"next: {after} table.xlsx (or gbstd new CODE --title TITLE), then gbstd lint"
    )

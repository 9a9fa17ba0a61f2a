"""``gbstd schema``: write (or check) the JSON Schema of every file kind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.atomic import write_atomic
from gbstd.cli.common import EXIT_FINDINGS, LangChoice, LangOption, fail_unwritable, output_path
from gbstd.model.jsonschema import schema_documents


def schema(
    output_option: Annotated[str, typer.Option("--output", "-o", metavar="DIR",
                                               help="输出目录 directory to write into.")] = "schemas",
    check: Annotated[bool, typer.Option("--check", help="只检查是否过期 exit 1 if the files differ from the models.")] = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """生成 JSON Schema — write one JSON Schema per file kind into schemas/ (for editor autocompletion).

    Records can start with `# yaml-language-server: $schema=<path>/standard.schema.json`.

    Examples:

        gbstd schema

        gbstd schema --check
    """
    output = output_path(output_option, lang.value) or Path("schemas")
    stale = []
    for name, text in schema_documents().items():
        path = output / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            try:
                write_atomic(path, text)
            except OSError as exc:  # a read-only checkout, a file where the directory should be
                fail_unwritable(path, exc, lang.value)
    zh = lang.value == "zh"
    if check:
        for path in stale:
            state = ("已过期" if zh else "stale") if path.is_file() else ("缺失" if zh else "missing")
            typer.echo(f"{state}: {path}")
        if stale:
            typer.echo("运行 `gbstd schema` 更新" if zh else "run `gbstd schema` to update")
            raise typer.Exit(EXIT_FINDINGS)
        typer.echo("模式文件是最新的" if zh else "schemas are up to date")
    else:
        for path in stale:
            typer.echo(f"{'已写入' if zh else 'wrote'} {path}")

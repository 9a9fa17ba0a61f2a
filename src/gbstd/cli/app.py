"""The ``gbstd`` command: registers one function per command module."""

from __future__ import annotations

import typer

from gbstd import __version__
from gbstd.cli.dupes import dupes
from gbstd.cli.lint import lint
from gbstd.cli.rules import rule, rules
from gbstd.cli.schema import schema

app = typer.Typer(
    name="gbstd",
    help="机关事务标准目录工具 — keep a catalog of government-affairs standards as YAML in git.\n\n"
    "Start with `gbstd lint standards`; `gbstd rules` lists the checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

app.command()(lint)
app.command()(rules)
app.command()(rule)
app.command()(schema)
app.command()(dupes)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gbstd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本 show the version.")) -> None:
    """机关事务标准目录工具 — keep a catalog of government-affairs standards as YAML in git."""


def main() -> None:
    app()

"""The ``gbstd`` command: registers one function per command module."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperOption

from gbstd import __version__
from gbstd.cli import report_bulletin as _report_bulletin  # noqa: F401 - registers `report bulletin`
from gbstd.cli import report_site as _report_site  # noqa: F401 - registers `report site`
from gbstd.cli.changes import changes
from gbstd.cli.console import make_streams_safe
from gbstd.cli.dupes import dupes
from gbstd.cli.federation import federation_app
from gbstd.cli.fmt import fmt
from gbstd.cli.history import history
from gbstd.cli.import_cmd import import_
from gbstd.cli.init import init
from gbstd.cli.lint import lint
from gbstd.cli.new import new
from gbstd.cli.pipeline import pipeline
from gbstd.cli.plan import plan_app
from gbstd.cli.report import report_app
from gbstd.cli.review import review_app
from gbstd.cli.rules import rule, rules
from gbstd.cli.schema import schema
from gbstd.cli.serve import serve
from gbstd.cli.system import system


def _flag_type(self: TyperOption, ctx: Any) -> str | None:
    """No type column for on/off flags: typer shows `<bool>` there, as if `--dry-run` took a value."""
    return None if getattr(self, "is_flag", False) else _option_type(self, ctx)


# A cosmetic patch of typer's help: applied only where typer has the hook, so another typer release can at
# worst show `<bool>` again, never stop the command line from starting.
_option_type = getattr(TyperOption, "display_type_rich", None)
if _option_type is not None:
    TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

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
app.command()(system)
app.command()(pipeline)
app.command()(init)
app.command()(new)
app.command("import")(import_)
app.add_typer(report_app, name="report")
app.add_typer(plan_app)
app.command()(fmt)
app.command()(history)
app.command()(changes)
app.add_typer(review_app, name="review")
app.command()(serve)
app.add_typer(federation_app, name="federation")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gbstd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本 show the version.")) -> None:
    """机关事务标准目录工具 — keep a catalog of government-affairs standards as YAML in git."""


def main() -> None:
    make_streams_safe()  # once, before any command writes: a GBK console gets stand-ins, never a crash
    app()

"""The ``gbstd`` command: one function or sub-Typer per command module, each module imported on first use."""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

# Pydantic looks for plugins among every installed distribution's entry points on the first model it
# builds (a few hundredths of a second of each command's start); gbstd has none to offer them. A user's own
# setting of the variable is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer
import typer.main
from typer.core import TyperGroup, TyperOption

if TYPE_CHECKING:
    from typer import _click as click  # typer's own copy of click, whose classes TyperGroup extends

from gbstd import __version__
from gbstd.cli.console import make_streams_safe, warn_lost
from gbstd.cli.leave import EXIT_ERROR, leave
from gbstd.gcpause import one_command_process
from gbstd.printable import printable

MARKUP = "markdown"

# Each command's module is imported only when that command runs (or help lists it): between them they import
# numpy, the report stack, git and the plan and notes models, which `gbstd lint` alone need not pay for.
# name → (module, attribute: a command function or a sub-Typer), in the order help lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("gbstd.cli.lint", "lint"),
    "rules": ("gbstd.cli.rules", "rules"),
    "rule": ("gbstd.cli.rules", "rule"),
    "schema": ("gbstd.cli.schema", "schema"),
    "dupes": ("gbstd.cli.dupes", "dupes"),
    "system": ("gbstd.cli.system", "system"),
    "pipeline": ("gbstd.cli.pipeline", "pipeline"),
    "init": ("gbstd.cli.init", "init"),
    "new": ("gbstd.cli.new", "new"),
    "import": ("gbstd.cli.import_cmd", "import_"),
    "fmt": ("gbstd.cli.fmt", "fmt"),
    "history": ("gbstd.cli.history", "history"),
    "changes": ("gbstd.cli.changes", "changes"),
    "serve": ("gbstd.cli.serve", "serve"),
    "report": ("gbstd.cli.report", "report_app"),
    "plan": ("gbstd.cli.plan", "plan_app"),
    "review": ("gbstd.cli.review", "review_app"),
    "federation": ("gbstd.cli.federation", "federation_app"),
}
# Modules that register subcommands of a group when imported.
REGISTERS = {"report": ("gbstd.cli.report_bulletin", "gbstd.cli.report_site")}


def _load(name: str) -> click.Command:
    """The click command of ``name``, built by typer as if it had been registered on the app itself."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    for extra in REGISTERS.get(name, ()):
        importlib.import_module(extra)
    holder = typer.Typer(rich_markup_mode=MARKUP, add_completion=False)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


class LazyGroup(TyperGroup):
    """The top-level group: every command of :data:`COMMANDS` listed, each built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            command = _load(cmd_name)
            self.add_command(command, cmd_name)
        return command


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
    rich_markup_mode=MARKUP,
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gbstd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本 show the version.")) -> None:
    """机关事务标准目录工具 — keep a catalog of government-affairs standards as YAML in git."""


def run() -> None:
    """The command line in this process, ending in SystemExit as typer's standalone mode does (for callers
    that go on afterwards: tests, a driver running several commands)."""
    make_streams_safe()  # once, before any command writes: a GBK console gets stand-ins, never a crash
    try:
        app()
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # a reader that went away: the exit says so (cli.leave)
            raise
        # A file the system would not let a command read or write where the command did not expect it (each
        # command names its own files' problems in its own words): one line, never a traceback.
        where = " → ".join(str(name) for name in (exc.filename, exc.filename2) if name is not None)
        reason = exc.strerror or str(exc)
        sys.stderr.write(printable(f"gbstd: 无法读写 {where}：{reason}（cannot read or write {where}: {reason}）"
                                   if where else f"gbstd: {reason}") + "\n")
        raise SystemExit(EXIT_ERROR) from None
    finally:
        warn_lost()  # text standard output could not carry (a file written in GBK), said rather than lost quietly


def main() -> None:
    """The ``gbstd`` program: :func:`run`, then the process ends without the interpreter's teardown."""
    one_command_process()  # `gbstd serve` says otherwise when it starts
    try:
        run()
    except SystemExit as stop:
        leave(stop.code)

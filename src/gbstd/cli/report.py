"""``gbstd report``: the sub-command group for reports (catalog tables, the bulletin, the site)."""

from __future__ import annotations

import typer

report_app = typer.Typer(
    name="report",
    help="报告 — reports built from the catalog: the bulletin (通报), the catalog site, tables.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

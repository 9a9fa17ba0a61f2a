"""``gbstd report``: the sub-command group for reports. Each report lives in its own module and is
registered here (``report_catalog``: the 标准体系明细表)."""

from __future__ import annotations

import typer

from gbstd.cli.report_catalog import catalog

report_app = typer.Typer(
    name="report",
    help="生成报表 — reports from the catalog: `gbstd report catalog` (标准体系明细表, XLSX/CSV/Markdown).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

report_app.command("catalog")(catalog)

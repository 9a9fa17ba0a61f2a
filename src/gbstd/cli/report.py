"""``gbstd report``: the sub-command group for reports. Each report lives in its own module and registers
on ``report_app`` (``report_catalog``: the 标准体系明细表; ``report_bulletin``: the 通报; ``report_site``: the site)."""

from __future__ import annotations

import typer

from gbstd.cli.report_catalog import catalog

report_app = typer.Typer(
    name="report",
    help="生成报表 — reports from the catalog: `gbstd report catalog` (标准体系明细表, XLSX/CSV/Markdown), "
    "`gbstd report bulletin` (半年报/年度报 通报, Markdown/HTML/DOCX), `gbstd report site` (offline HTML site).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

report_app.command("catalog")(catalog)

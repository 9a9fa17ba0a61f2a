"""``--format text``: findings grouped by file as ``path:line:col: severity CODE message``, and a summary."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.markup import escape

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.printable import printable
from gbstd.reporters.base import ReportInput

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(report: ReportInput) -> str:
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=report.color, no_color=not report.color, highlight=False,
                      width=10_000, soft_wrap=True)
    lang = report.lang
    current = None
    for finding in report.result.findings:
        if finding.path != current:
            if current is not None:
                console.print()
            console.print(f"[bold underline]{escape(printable(finding.path))}[/]")
            current = finding.path
        level = finding.severity.label.get(lang)
        console.print(
            f"  {escape(printable(finding.path))}:{finding.line}:{finding.column}: "
            f"[{_STYLE[finding.severity]}]{level}[/] [bold]{finding.rule}[/] "
            f"{escape(printable(finding.message.get(lang)))}"
        )
    if report.result.findings:
        console.print()
    console.print(summary_line(report).get(lang), style="bold" if report.color else None)
    return buffer.getvalue()


def _n(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``: English counts agree with their nouns."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(report: ReportInput) -> Text:
    res = report.result
    errors, warnings, infos = (res.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    total = len(res.findings)
    files = len({f.path for f in res.findings})
    if not total:
        return Text(f"检查了 {report.files_checked} 个文件，未发现问题。", f"Checked {report.files_checked} files: no problems found.")
    return Text(
        f"检查了 {report.files_checked} 个文件，{files} 个文件中发现 {total} 个问题（错误 {errors}，警告 {warnings}，提示 {infos}）。",
        f"Checked {_n(report.files_checked, 'file')}: {_n(total, 'finding')} in {_n(files, 'file')} "
        f"({_n(errors, 'error')}, {_n(warnings, 'warning')}, {infos} info).",
    )

"""``--format text``: findings grouped by file as ``path:line:col: severity CODE message``, and a summary.

The layout is rich's (markup, styles, colour when asked for); a national catalog has tens of thousands of
findings, and rich's per-line pipeline costs seconds for them, so a line whose text rich would print as it
is (no markup brackets, backslashes, tabs or newlines) is written directly, between the ANSI codes rich
itself produced for its styles; any other line goes through rich (a test holds the two equal). Emoji codes
are off: rich turned ``a.yaml:100:5`` into ``a.yaml💯5``.
"""

from __future__ import annotations

import re
from io import StringIO

from rich.console import Console
from rich.markup import escape

from gbstd.findings import Finding, Severity
from gbstd.i18n import Lang, Text
from gbstd.printable import printable
from gbstd.reporters.base import ReportInput

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADER = "bold underline"
_RULE = "bold"
# What rich's markup, text and wrapping would change: tags and escapes, tabs (expanded), newlines.
_SPECIAL = re.compile(r"[\[\\\t\n\r]")
_PROBE = "\ue000"


def _as_is(piece: str) -> bool:
    """True when rich prints ``piece`` (plain text between tags) unchanged."""
    return not _SPECIAL.search(piece)


class _Rich:
    """rich's console for the lines it must lay out itself, each taken as the text it wrote."""

    def __init__(self, color: bool) -> None:
        self.buffer = StringIO()
        self.console = Console(file=self.buffer, force_terminal=color, no_color=not color, highlight=False,
                               emoji=False, width=10_000, soft_wrap=True)

    def print(self, markup: str, style: str | None = None) -> str:
        self.console.print(markup, style=style)
        written = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return written

    def wrappers(self) -> dict[str, tuple[str, str]]:
        """Each style's opening and closing codes, exactly as rich writes them ("" without colour)."""
        found: dict[str, tuple[str, str]] = {}
        for style in {*_STYLE.values(), _HEADER, _RULE}:
            before, _, after = self.print(f"[{style}]{_PROBE}[/]").rstrip("\n").partition(_PROBE)
            found[style] = (before, after)
        return found


def render_text(report: ReportInput) -> str:
    rich = _Rich(report.color)
    wrap = rich.wrappers()
    lang = report.lang
    out: list[str] = []  # one join at the end: the report exists twice at most
    current = None
    for finding in report.result.findings:
        if finding.path != current:
            if current is not None:
                out.append("\n")
            path = printable(finding.path)
            if _as_is(path):
                before, after = wrap[_HEADER]
                out.append(f"{before}{path}{after}\n" if path else "\n")  # rich styles no empty text
            else:
                out.append(rich.print(f"[{_HEADER}]{escape(path)}[/]"))
            current = finding.path
        out.append(_line(rich, wrap, finding, lang))
    if report.result.findings:
        out.append("\n")
    out.append(rich.print(summary_line(report).get(lang), style="bold" if report.color else None))
    return "".join(out)


def _line(rich: _Rich, wrap: dict[str, tuple[str, str]], finding: Finding, lang: Lang) -> str:
    # one finding, one line (`path:line:col: …`, as editors and grep read it): a title's line break is a space
    path, message = printable(finding.path), printable(finding.message.get(lang)).replace("\n", " ")
    head = f"  {path}:{finding.line}:{finding.column}: "
    style = _STYLE[finding.severity]
    level = finding.severity.label.get(lang)
    if _as_is(head) and _as_is(message) and _as_is(finding.rule):
        (open_level, close_level), (open_rule, close_rule) = wrap[style], wrap[_RULE]
        return f"{head}{open_level}{level}{close_level} {open_rule}{finding.rule}{close_rule} {message}\n"
    return rich.print(
        f"  {escape(path)}:{finding.line}:{finding.column}: "
        f"[{style}]{level}[/] [bold]{finding.rule}[/] {escape(message)}"
    )


def _n(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``: English counts agree with their nouns."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(report: ReportInput) -> Text:
    res = report.result
    errors, warnings, infos = (res.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = len({f.path for f in res.findings})
    return summary_of(errors, warnings, infos, files, report.files_checked)


def summary_of(errors: int, warnings: int, infos: int, files: int, files_checked: int) -> Text:
    """The summary line from the counts alone (a spliced report has no findings in memory to count)."""
    total = errors + warnings + infos
    if not total:
        return Text(f"检查了 {files_checked} 个文件，未发现问题。", f"Checked {_n(files_checked, 'file')}: no problems found.")
    return Text(
        f"检查了 {files_checked} 个文件，{files} 个文件中发现 {total} 个问题（错误 {errors}，警告 {warnings}，提示 {infos}）。",
        f"Checked {_n(files_checked, 'file')}: {_n(total, 'finding')} in {_n(files, 'file')} "
        f"({_n(errors, 'error')}, {_n(warnings, 'warning')}, {infos} info).",
    )

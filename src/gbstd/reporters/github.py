"""``--format github``: GitHub Actions workflow commands, shown as annotations on the pull request's diff.

One line per finding: ``::error file=…,line=…,col=…,title=…::message``. Chosen automatically when
``GITHUB_ACTIONS=true`` and no ``--format`` is given. Escaping follows GitHub's workflow-command rules:
in the message ``%``, CR and LF are percent-encoded; in properties also ``:`` and ``,``.
"""

from __future__ import annotations

from gbstd.findings import Finding, Severity
from gbstd.printable import printable
from gbstd.reporters.base import ReportInput
from gbstd.reporters.text import summary_line
from gbstd.rules import RULES_BY_CODE
from gbstd.undecodable import backslashed

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value (file, title, …)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, report: ReportInput) -> str:
    rule = RULES_BY_CODE.get(finding.rule)
    title = f"gbstd {finding.rule}" + (f" {rule.name}" if rule else "")
    # control characters left out (the log would show or obey them), undecodable bytes written \xNN
    props = [f"file={escape_property(backslashed(printable(report.display_path(finding))))}"]
    if finding.line:
        props.append(f"line={finding.line}")
        props.append(f"col={max(finding.column, 1)}")
    props.append(f"title={escape_property(title)}")
    message = finding.message.get(report.lang)
    if finding.record:
        message = f"{finding.record}: {message}"
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(backslashed(printable(message)))}"


def render_github(report: ReportInput) -> str:
    lines = [annotation(finding, report) for finding in report.result.findings]
    for code, _ in report.result.internal_errors:
        lines.append(
            f"::error title={escape_property(f'gbstd {code}')}::"
            + escape_data(f"internal error in rule {code}")
        )
    lines.append(summary_line(report).get(report.lang))
    return "\n".join(lines) + "\n"

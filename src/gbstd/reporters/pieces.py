"""Every lint format as a frame around one piece per reported file, so that a stored report can be reused.

A report with findings is ``head + piece(file 1) + … + piece(file n) + tail`` with the last piece's trailing
separator (``sep``, e.g. JSON's ``",\\n"``) dropped; head and tail depend only on the counts. So a warm run
prints the stored bytes, and a run after a few files changed copies every other file's bytes and renders only
those files' pieces and the frame. Each layout reuses its reporter's own code for a finding, and a test holds
the assembled output byte for byte equal to the reporter's (:mod:`gbstd.reporters`), in every format and
language. A report without findings, or with internal errors, is rendered by the reporter itself.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Protocol

from rich.markup import escape

from gbstd.findings import Finding, Severity
from gbstd.jsontext import json_text
from gbstd.printable import printable
from gbstd.reporters.base import ReportInput
from gbstd.reporters.github import annotation
from gbstd.reporters.json_reporter import _row
from gbstd.reporters.junit import junit_suite
from gbstd.reporters.sarif import rule_index, sarif_log, sarif_result
from gbstd.reporters.text import _HEADER, _as_is, _line, _Rich, summary_of
from gbstd.undecodable import backslashed, json_escaped

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class Counts:
    """What a report's frame and the exit code depend on."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    files: int = 0  # files with findings

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos

    def add(self, e: int, w: int, i: int) -> None:
        self.errors += e
        self.warnings += w
        self.infos += i
        self.files += 1


def severities(findings: Iterable[Finding]) -> list[int]:
    """[errors, warnings, infos] among ``findings``."""
    counts = [0, 0, 0]
    for finding in findings:
        counts[_RANK[finding.severity]] += 1
    return counts


class Layout(Protocol):
    sep: str  # ends every piece; dropped after the last one

    def piece(self, findings: list[Finding]) -> str: ...

    def frame(self, counts: Counts) -> tuple[str, str]: ...


class JsonLayout:
    sep = ",\n"

    def __init__(self, report: ReportInput) -> None:
        self.lang = report.lang
        self.undecodable = report.undecodable

    def piece(self, findings: list[Finding]) -> str:
        lang = self.lang
        text = "".join([f"{_row(finding, lang)},\n" for finding in findings])
        return json_escaped(text) if self.undecodable else text

    def frame(self, counts: Counts) -> tuple[str, str]:
        return "[\n", "\n]\n"


class TextLayout:
    sep = ""

    def __init__(self, report: ReportInput) -> None:
        self.report = report
        self.rich = _Rich(report.color)
        self.wrap = self.rich.wrappers()

    def piece(self, findings: list[Finding]) -> str:
        rich, wrap, lang = self.rich, self.wrap, self.report.lang
        path = printable(findings[0].path)
        if _as_is(path):
            before, after = wrap[_HEADER]
            out = [f"{before}{path}{after}\n" if path else "\n"]
        else:
            out = [rich.print(f"[{_HEADER}]{escape(path)}[/]")]
        out += [_line(rich, wrap, finding, lang) for finding in findings]
        out.append("\n")
        return "".join(out)

    def frame(self, counts: Counts) -> tuple[str, str]:
        report = self.report
        summary = summary_of(counts.errors, counts.warnings, counts.infos, counts.files, report.files_checked)
        return "", self.rich.print(summary.get(report.lang), style="bold" if report.color else None)


class GithubLayout:
    sep = ""

    def __init__(self, report: ReportInput) -> None:
        self.report = report

    def piece(self, findings: list[Finding]) -> str:
        report = self.report
        return "".join([f"{annotation(finding, report)}\n" for finding in findings])

    def frame(self, counts: Counts) -> tuple[str, str]:
        report = self.report
        summary = summary_of(counts.errors, counts.warnings, counts.infos, counts.files, report.files_checked)
        return "", summary.get(report.lang) + "\n"


_INDENT = " " * 8  # results sit four levels deep in the log, two spaces a level
_MARK = "\ue000gbstd results\ue000"


class SarifLayout:
    sep = ",\n"

    def __init__(self, report: ReportInput) -> None:
        self.report = report
        self.index = rule_index()

    def piece(self, findings: list[Finding]) -> str:
        out = []
        for finding in findings:
            text = json_text(sarif_result(finding, self.report, self.index))
            # Nested values are indented by their depth alone, and strings hold no raw line breaks.
            out.append(_INDENT + text.replace("\n", "\n" + _INDENT) + ",\n")
        return "".join(out)

    def frame(self, counts: Counts) -> tuple[str, str]:
        log = sarif_log(self.report, [_MARK])
        marker = f"{_INDENT}{json.dumps(_MARK, ensure_ascii=False)}\n"
        head, found, tail = log.partition(marker)
        if not found:
            raise AssertionError("SARIF layout changed")  # the layout test catches this first
        return head, "\n" + tail


class JunitLayout:
    sep = ""

    def __init__(self, report: ReportInput) -> None:
        self.report = report

    def piece(self, findings: list[Finding]) -> str:
        root = ET.Element("testsuites", name="gbstd lint")
        junit_suite(root, self.report.display_path(findings[0]), findings, self.report.lang,
                    {"tests": 0, "failures": 0, "errors": 0})
        ET.indent(root)
        text = ET.tostring(root, encoding="unicode")
        # '<testsuites name="gbstd lint">\n  <testsuite …>…</testsuite>\n</testsuites>': keep the middle.
        start = text.index(">") + 2
        middle = text[start:-len("</testsuites>")]
        return backslashed(middle) if self.report.undecodable else middle

    def frame(self, counts: Counts) -> tuple[str, str]:
        # the declaration as ElementTree writes it for a text result (UTF-8: the document is written so)
        declaration = ET.tostring(ET.Element("x"), encoding="unicode", xml_declaration=True).partition("\n")[0]
        head = (
            f"{declaration}\n"
            f'<testsuites name="gbstd lint" tests="{counts.total}" failures="{counts.errors + counts.warnings}" '
            'errors="0">\n'
        )
        return head, "</testsuites>\n"


LAYOUTS: dict[str, type[JsonLayout | TextLayout | GithubLayout | SarifLayout | JunitLayout]] = {
    "json": JsonLayout,
    "text": TextLayout,
    "github": GithubLayout,
    "sarif": SarifLayout,
    "junit": JunitLayout,
}


def by_path(findings: Iterable[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    """Sorted findings as runs of one file each."""
    for path, run in groupby(findings, key=lambda finding: finding.path):
        yield path, list(run)

"""``--format junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One ``<testsuite>`` per file with findings, one ``<testcase>`` per finding: errors and warnings are
``<failure>``, info findings pass with the message in ``<system-out>``. A rule that crashed is an
``<error>``. A clean run is one passing test case, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from gbstd.findings import Finding, Severity
from gbstd.i18n import Lang
from gbstd.reporters.base import ReportInput
from gbstd.reporters.text import summary_line
from gbstd.undecodable import backslashed

# What XML 1.0 cannot hold at all (a control character from a title or a file name would make the whole report
# unreadable): written as Python shows it, ``\x1b``.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold written ``\\xNN`` (``\\uFFFE`` past the first 256)."""
    return _NOT_XML.sub(lambda found: _shown(ord(found.group())), text)


def _shown(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def junit_suite(root: ET.Element, path: str, items: list[Finding], lang: Lang, totals: dict[str, int]) -> None:
    """The test suite of one file's findings, added to ``root``."""
    path = xml_text(path)
    suite = ET.SubElement(root, "testsuite", name=path)
    failures = 0
    for finding in items:
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"{finding.rule} {path}:{finding.line}:{finding.column}",
            classname=path,
            file=path,
            line=str(finding.line),
        )
        message = xml_text(finding.message.get(lang))
        if finding.severity is Severity.INFO:
            ET.SubElement(case, "system-out").text = message
            continue
        failures += 1
        failure = ET.SubElement(
            case, "failure", message=message, type=f"{finding.rule} {finding.severity.value}"
        )
        failure.text = (
            f"{path}:{finding.line}:{finding.column}: {finding.severity.value} {finding.rule} {message}"
        )
    _count(suite, len(items), failures, 0, totals)


def render_junit(report: ReportInput) -> str:
    lang = report.lang
    findings = report.result.findings
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_file[report.display_path(finding)].append(finding)
    root = ET.Element("testsuites", name="gbstd lint")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path, items in by_file.items():
        junit_suite(root, path, items, lang, totals)
    if report.result.internal_errors:
        suite = ET.SubElement(root, "testsuite", name="gbstd internal errors")
        for code, detail in report.result.internal_errors:
            case = ET.SubElement(suite, "testcase", name=f"rule {code}", classname="gbstd")
            ET.SubElement(
                case, "error", message=f"internal error in rule {code}", type="InternalError"
            ).text = detail
        _count(suite, len(report.result.internal_errors), 0, len(report.result.internal_errors), totals)
    if not by_file and not report.result.internal_errors:
        suite = ET.SubElement(root, "testsuite", name="gbstd lint")
        case = ET.SubElement(suite, "testcase", name="catalog", classname="gbstd")
        ET.SubElement(case, "system-out").text = summary_line(report).get(lang)
        _count(suite, 1, 0, 0, totals)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    return backslashed(text) if report.undecodable else text


def _count(suite: ET.Element, tests: int, failures: int, errors: int, totals: dict[str, int]) -> None:
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    totals["tests"] += tests
    totals["failures"] += failures
    totals["errors"] += errors

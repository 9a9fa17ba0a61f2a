"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other security/quality dashboards.

Every rule is described in ``tool.driver.rules`` (help text from the rule's docstring), so a viewer can
explain a result without gbstd installed. Paths are relative to the source root (``%SRCROOT%``).
"""

from __future__ import annotations

import re
from typing import Any

from gbstd import __version__
from gbstd.findings import Finding, Severity
from gbstd.jsontext import json_document
from gbstd.reporters.base import ReportInput
from gbstd.rules import ALL_RULES, Rule
from gbstd.undecodable import uri_path

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_descriptor(rule: type[Rule], report: ReportInput) -> dict[str, Any]:
    doc = rule.doc(report.lang)
    title, _, body = doc.partition("\n")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.get(report.lang)},
        "fullDescription": {"text": title.strip() or rule.summary.get(report.lang)},
        "help": {
            "text": doc,
            "markdown": f"**{rule.code} {rule.name}** — {title.strip()}\n\n```\n{body.strip()}\n```",
        },
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["gbstd", rule.code[0]]},
    }


_DRIVE = re.compile("^[A-Za-z]:/")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _ascii_uri(uri: str) -> str:
    """``uri`` with each non-ASCII character percent-encoded as UTF-8: SARIF's URIs are RFC 3986 references,
    which hold ASCII only (a Chinese file name left as it is made the log invalid for a strict reader)."""
    return _NON_ASCII.sub(lambda found: "".join(f"%{b:02X}" for b in found.group().encode("utf-8")), uri)


def artifact_location(path: str) -> dict[str, str]:
    """Where a finding's file is, as SARIF wants it: a relative reference under ``%SRCROOT%`` (``./`` before a
    first segment with a colon, which would read as a URI scheme), or a ``file:`` URI when the catalog lies
    outside the working directory (an absolute path is no reference relative to a base)."""
    uri = _ascii_uri(uri_path(path))
    if path.startswith("/"):
        return {"uri": f"file://{uri}"}
    if _DRIVE.match(path):
        return {"uri": f"file:///{uri}"}
    if ":" in uri.partition("/")[0]:
        uri = f"./{uri}"
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def sarif_result(finding: Finding, report: ReportInput, index: dict[str, int]) -> dict[str, Any]:
    """One finding as a SARIF result."""
    location: dict[str, Any] = {"artifactLocation": artifact_location(report.display_path(finding))}
    if finding.line > 0:
        location["region"] = {"startLine": finding.line, "startColumn": max(finding.column, 1)}
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message.get(report.lang)},
        "locations": [{"physicalLocation": location}],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.record:
        result["properties"] = {"record": finding.record}
    return result


def rule_index() -> dict[str, int]:
    return {rule.code: i for i, rule in enumerate(ALL_RULES)}


def sarif_log(report: ReportInput, results: list[Any]) -> str:
    """The whole log around ``results`` (already made SARIF results)."""
    notifications = [
        {"level": "error", "message": {"text": f"internal error in rule {code}"}, "descriptor": {"id": code}}
        for code, _ in report.result.internal_errors
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not report.result.internal_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gbstd",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule_descriptor(rule, report) for rule in ALL_RULES],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_document(log)


def render_sarif(report: ReportInput) -> str:
    index = rule_index()
    return sarif_log(report, [sarif_result(finding, report, index) for finding in report.result.findings])

"""``--format json``: one JSON array; each object has exactly rule, severity, path, line, column, record, message.

The output is byte for byte ``json.dumps(..., ensure_ascii=False, indent=2)`` of :meth:`Finding.to_json`
rows, but laid out by hand: with ``indent`` the standard library falls back to its pure-Python encoder,
which costs seconds on a national catalog's findings; strings still go through the C escaper.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C escaper that json.dumps(ensure_ascii=False) uses

from gbstd.findings import Finding
from gbstd.i18n import Lang
from gbstd.reporters.base import ReportInput
from gbstd.undecodable import json_escaped

_ROW = (
    '  {{\n    "rule": {},\n    "severity": {},\n    "path": {},\n    "line": {},\n    "column": {},\n'
    '    "record": {},\n    "message": {}\n  }}'
)


def _row(finding: Finding, lang: Lang) -> str:
    record = finding.record
    return _ROW.format(
        encode_basestring(finding.rule),
        encode_basestring(finding.severity.value),
        encode_basestring(finding.path),
        int(finding.line),
        int(finding.column),
        "null" if record is None else encode_basestring(record),
        encode_basestring(finding.message.get(lang)),
    )


def render_json(report: ReportInput) -> str:
    findings = report.result.findings
    if not findings:
        return "[]\n"
    # One list of pieces and one join: the report exists twice at most, not three times.
    pieces = ["[\n"]
    for finding in findings:
        pieces.append(_row(finding, report.lang))
        pieces.append(",\n")
    pieces[-1] = "\n]\n"
    text = "".join(pieces)
    return json_escaped(text) if report.undecodable else text

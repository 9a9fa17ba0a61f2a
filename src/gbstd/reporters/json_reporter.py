"""``--format json``: one JSON array; each object has exactly rule, severity, path, line, column, record, message."""

from __future__ import annotations

import json

from gbstd.reporters.base import ReportInput


def render_json(report: ReportInput) -> str:
    return json.dumps([f.to_json(report.lang) for f in report.result.findings], ensure_ascii=False, indent=2) + "\n"

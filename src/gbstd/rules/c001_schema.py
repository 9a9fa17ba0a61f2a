"""C001 schema: schema."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class Schema(LoadRule):
    """字段不符合模式 / schema

    What it does:
        Checks every file against its model: required fields, unknown fields (typos), value types, dates that exist.

    Why it matters:
        A typo such as `efective:` or a date such as 2021-02-30 silently hides data from every other check and report.

    Example:
        efective: 2021-02-30

    Use instead:
        effective: 2021-03-01
    """

    code = "C001"
    name = "schema"
    summary = Text("字段不符合模式", "schema")
    severity = Severity.ERROR

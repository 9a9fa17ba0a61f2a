"""Reporters turn findings into text for people or machines. Formats live only here, at the edge."""

from __future__ import annotations

from collections.abc import Callable

from gbstd.reporters.base import ReportInput
from gbstd.reporters.github import render_github
from gbstd.reporters.json_reporter import render_json
from gbstd.reporters.junit import render_junit
from gbstd.reporters.sarif import render_sarif
from gbstd.reporters.text import render_text

Reporter = Callable[[ReportInput], str]

REPORTER_BY_NAME: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "junit": render_junit,
}

__all__ = ["REPORTER_BY_NAME", "ReportInput", "Reporter"]

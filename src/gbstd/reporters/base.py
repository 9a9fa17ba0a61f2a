"""What every reporter receives."""

from __future__ import annotations

from dataclasses import dataclass

from gbstd.findings import FindingSet
from gbstd.i18n import Lang


@dataclass
class ReportInput:
    result: FindingSet
    lang: Lang = "zh"
    files_checked: int = 0
    color: bool = False

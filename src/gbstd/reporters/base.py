"""What every reporter receives."""

from __future__ import annotations

from dataclasses import dataclass

from gbstd.findings import Finding, FindingSet
from gbstd.i18n import Lang


@dataclass
class ReportInput:
    result: FindingSet
    lang: Lang = "zh"
    files_checked: int = 0
    color: bool = False
    # The catalog root as seen from where the tool runs (POSIX, "" = here). CI formats (SARIF, GitHub,
    # JUnit) prefix finding paths with it so that they name files relative to the repository checkout.
    path_prefix: str = ""
    # Some file's name is not UTF-8 (see gbstd.undecodable): the document formats escape it.
    undecodable: bool = False

    def display_path(self, finding: Finding) -> str:
        return f"{self.path_prefix.rstrip('/')}/{finding.path}" if self.path_prefix not in ("", ".") else finding.path

"""Findings: what a check found, where, and how severe it is. Shared by the loader, the rules and reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from gbstd.i18n import Lang, Text

# A path into a YAML document: mapping keys and sequence indices, e.g. ("reviews", 0, "date"). In a mapping an
# int names the key at that index, in document order: the only way to point at a key that is not text (``1:``).
Loc = tuple[str | int, ...]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def label(self) -> Text:
        return {
            "error": Text("错误", "error"),
            "warning": Text("警告", "warning"),
            "info": Text("提示", "info"),
        }[self.value]


@dataclass(slots=True)  # slots: a national catalog has hundreds of thousands of findings
class Finding:
    """One problem in one file.

    Rules set ``loc`` (where in the document) and the engine resolves it into ``line``/``column`` at the
    end, from the positions kept while parsing (or, for deeper paths, a second parse of the file).
    """

    rule: str
    message: Text
    path: str  # POSIX, relative to the catalog root
    record: str | None = None  # canonical code of the record, when known
    loc: Loc = ()
    key: bool = True  # point at the key (True) or at its value (False)
    line: int = 0  # 1-based; 0 = not resolved yet
    column: int = 0
    severity: Severity = Severity.ERROR

    def to_json(self, lang: Lang = "zh") -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "message": self.message.get(lang),
        }

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


@dataclass
class FindingSet:
    """Findings of one run, plus internal errors of rules that crashed (reported, never fatal)."""

    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[tuple[str, str]] = field(default_factory=list)  # (rule code, detail)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

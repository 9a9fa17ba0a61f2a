"""C008 duplicate-code: the same code in two files."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


class DuplicateCode(Rule):
    """同一标准号出现在多个文件中 / the same code in two files

    What it does:
        Groups records by canonical code (so `GB/T 41568-2022` and `GB/T41568—2022` are the same) and
        reports every file of a group with more than one.

    Why it matters:
        One standard, one file. Two copies drift apart, and every count in a report is off by one.

    Example:
        records/a/GB-T-41568-2022.yaml and records/b/GB-T-41568-2022.yaml

    Use instead:
        merge the two files into one and delete the other
    """

    code = "C008"
    name = "duplicate-code"
    summary = Text("同一标准号出现在多个文件中", "the same code in two files")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for key, records in ctx.catalog.by_code.items():
            if len(records) < 2:
                continue
            for record in records:
                others = ", ".join(r.rel for r in records if r is not record)
                yield self.at(record, Text(f"标准号 {key} 也出现在 {others}", f"code {key} also appears in {others}"),
                              ("code",), key=False)

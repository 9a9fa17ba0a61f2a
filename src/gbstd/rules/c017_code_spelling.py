"""C017 code-spelling: a code written in a non-canonical spelling."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class CodeSpelling(RecordRule):
    """标准号写法不规范 / non-canonical code spelling

    What it does:
        Reports codes that are understood but not written in the canonical form
        `PREFIX[/T] NUMBER-YEAR` (ASCII hyphen, one space): em dashes, fullwidth characters, `GBT`,
        missing spaces. The same applies to codes in `replaces`, `replaced_by` and `references`.

    Why it matters:
        Canonical spelling keeps search, diffs and spreadsheets consistent. The code is still read
        correctly, so this is informational.

    Example:
        code: GB/T41568—2022

    Use instead:
        code: GB/T 41568-2022
    """

    code = "C017"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "code-spelling"
    summary = Text("标准号写法不规范", "non-canonical code spelling")
    severity = Severity.INFO

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        if record.code and record.standard.code != record.code.canonical:
            yield self._found(record, record.standard.code, record.code.canonical, ("code",))
        for field in ("replaces", "replaced_by", "references"):
            for index, raw in enumerate(getattr(record.standard, field)):
                code = ctx.catalog.resolve(raw)
                if code and raw != code.canonical:
                    yield self._found(record, raw, code.canonical, (field, index))

    def _found(self, record: Record, raw: str, canonical: str, loc: tuple[str | int, ...]) -> Finding:
        return self.at(record, Text(f"标准号 {raw!r} 应写作 {canonical!r}", f"code {raw!r} should be written {canonical!r}"),
                       loc, key=False)

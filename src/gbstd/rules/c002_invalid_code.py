"""C002 invalid-code: the code cannot be understood."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.code import CodeError, StandardCode
from gbstd.rules.base import RecordRule, RuleContext


class InvalidCode(RecordRule):
    """无效的标准号 / invalid code

    What it does:
        Parses `code` in any common spelling (em dashes, fullwidth characters, missing spaces, `GBT`,
        `DB41T`) and reports codes that still cannot be understood: unknown prefixes, province codes that
        do not exist (`DB99`), a missing year, garbage. Internal codes must match the catalog's
        `internal_code_pattern`.

    Why it matters:
        The code is the record's identity: tier, nature, region, year, file name and every reference
        between standards are derived from it.

    Example:
        code: DB99/T 123-2021

    Use instead:
        code: DB41/T 123-2021
    """

    code = "C002"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "invalid-code"
    summary = Text("无效的标准号", "invalid code")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        if record.code is not None:
            return
        try:
            StandardCode.parse(record.standard.code, ctx.catalog.config.catalog.internal_regex)
        except CodeError as exc:
            reason = exc.reason
            yield self.at(
                record,
                Text(f"无效的标准号 {record.standard.code!r}：{reason.zh}", f"invalid code {record.standard.code!r}: {reason.en}"),
                ("code",),
                key=False,
            )

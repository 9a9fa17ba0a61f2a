"""C005 code-year: the year in the code is not the year of publication."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class CodeYear(RecordRule):
    """标准号年份与发布年份不一致 / code year differs from the publication year

    What it does:
        Compares the year at the end of the code with the year of `published`.

    Why it matters:
        The year in a code is by definition the year of publication (发布). A mismatch means one of the
        two was copied from another version of the standard.

    Example:
        code: GB/T 43542-2023
        published: 2024-04-01

    Use instead:
        code: GB/T 43542-2023
        published: 2023-12-28
        effective: 2024-04-01
    """

    code = "C005"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "code-year"
    summary = Text("标准号年份与发布年份不一致", "code year differs from the publication year")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        published = record.standard.published
        if record.code is None or published is None or record.code.year == published.year:
            return
        yield self.at(
            record,
            Text(f"标准号年份 {record.code.year} 与发布日期 {published} 不一致",
                 f"code year {record.code.year} differs from the publication date {published}"),
            ("published",), key=False,
        )

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
        Compares the year at the end of the code with the year of `published`. Without a `published` date,
        reports an `effective` or `abolished` date before the code's year: a standard takes effect and is
        abolished only after it is published.

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
        if record.code is None:
            return
        if published is None:  # the code's year still bounds the dates that follow publication
            yield from self._before_the_code_year(record)
            return
        if record.code.year == published.year:
            return
        yield self.at(
            record,
            Text(f"标准号年份 {record.code.year} 与发布日期 {published} 不一致",
                 f"code year {record.code.year} differs from the publication date {published}"),
            ("published",), key=False,
        )

    def _before_the_code_year(self, record: Record) -> Iterator[Finding]:
        """An undated record's effective or abolition date before the year its code says it was published in
        (its publication window would be empty: plans.placement then never counts it)."""
        assert record.code is not None
        year = record.code.year
        for field, zh, en in (("effective", "实施", "effective"), ("abolished", "废止", "abolition")):
            day = getattr(record.standard, field)
            if day is not None and day.year < year:
                yield self.at(
                    record,
                    Text(f"标准号年份 {year} 晚于{zh}日期 {day}：标准发布后才能{zh}，两者之一有误",
                         f"code year {year} is after the {en} date {day}: a standard is published first, so "
                         "one of the two is wrong"),
                    (field,), key=False,
                )

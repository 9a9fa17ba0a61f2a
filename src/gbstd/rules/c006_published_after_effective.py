"""C006 published-after-effective: the standard takes effect before it is published."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class PublishedAfterEffective(RecordRule):
    """发布日期晚于实施日期 / published after effective

    What it does:
        Checks that `published` ≤ `effective`, and that `abolished` is not before `effective`.

    Why it matters:
        A standard cannot take effect before it exists; swapped dates are the most common data-entry error
        and they corrupt every "taking effect in the period" figure.

    Example:
        published: 2023-12-17
        effective: 2023-11-17

    Use instead:
        published: 2023-11-17
        effective: 2023-12-17
    """

    code = "C006"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "published-after-effective"
    summary = Text("发布日期晚于实施日期", "published after effective")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        std = record.standard
        if std.published and std.effective and std.published > std.effective:
            yield self.at(
                record,
                Text(f"发布日期 {std.published} 晚于实施日期 {std.effective}",
                     f"published {std.published} is after effective {std.effective}"),
                ("published",), key=False,
            )
        if std.effective and std.abolished and std.abolished < std.effective:
            yield self.at(
                record,
                Text(f"废止日期 {std.abolished} 早于实施日期 {std.effective}",
                     f"abolished {std.abolished} is before effective {std.effective}"),
                ("abolished",), key=False,
            )

"""C007 status-dates: the status contradicts the dates as of the given day."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.base import RecordRule, RuleContext


class StatusDates(RecordRule):
    """状态与日期矛盾 / status contradicts the dates

    What it does:
        As of `--as-of` (default today): 现行 needs no effective date still ahead and no abolition that has
        happened (a standard in force whose effective date was never recorded is not reported: older
        records often lack it); 即将实施 needs an effective date still in the future; 废止 needs an abolition
        date that has arrived.

    Why it matters:
        Status is what people filter on ("what is in force?"). Statuses go stale silently: an upcoming
        standard takes effect, an abolished one is still marked 现行. The dates are the truth.

    Example:
        status: 即将实施
        effective: 2024-04-01      # as of 2026-11-23 it is in force

    Use instead:
        status: 现行
        effective: 2024-04-01
    """

    code = "C007"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "status-dates"
    summary = Text("状态与日期矛盾", "status contradicts the dates")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        std, today = record.standard, ctx.as_of
        status = std.status
        messages: list[Text] = []
        if status is Status.IN_FORCE:
            if std.effective and std.effective > today:
                messages.append(Text(f"状态为现行，但实施日期 {std.effective} 尚未到来（应为即将实施）",
                                     f"status is in force, but it takes effect on {std.effective} (upcoming)"))
            if std.abolished and std.abolished <= today:
                messages.append(Text(f"状态为现行，但已于 {std.abolished} 废止",
                                     f"status is in force, but it was abolished on {std.abolished}"))
        elif status is Status.UPCOMING:
            if std.effective and std.effective <= today:
                messages.append(Text(f"状态为即将实施，但已于 {std.effective} 实施（应为现行）",
                                     f"status is upcoming, but it took effect on {std.effective} (in force)"))
            if std.effective is None:
                messages.append(Text("状态为即将实施，但没有实施日期", "status is upcoming, but there is no effective date"))
        elif status is Status.ABOLISHED:
            if std.abolished is None:
                messages.append(Text("状态为废止，但没有废止日期", "status is abolished, but there is no abolition date"))
            elif std.abolished > today:
                messages.append(Text(f"状态为废止，但废止日期 {std.abolished} 尚未到来",
                                     f"status is abolished, but the abolition date {std.abolished} is still ahead"))
        for message in messages:
            yield self.at(record, message, ("status",), key=False)

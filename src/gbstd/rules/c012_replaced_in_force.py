"""C012 replaced-in-force: a replaced standard is still in force."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.base import RecordRule, RuleContext


class ReplacedInForce(RecordRule):
    """被代替的标准仍然现行 / a replaced standard is still in force

    What it does:
        A standard replaced by another that has taken effect (as of `--as-of`) must be 废止, with an
        abolition date no later than its successor's effective date.

    Why it matters:
        Two versions in force at once means two sets of requirements; users apply the old one because
        the catalog says it is current.

    Example:
        GB/T 29118-2012  status: 现行,  replaced_by: [GB/T 29118-2023]  (in force since 2024)

    Use instead:
        status: 废止
        abolished: <the successor's effective date>
    """

    code = "C012"
    reads = frozenset({"code", "lineage", "status", "dates"})  # successors' effective dates, own status and abolition
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "replaced-in-force"
    summary = Text("被代替的标准仍然现行", "a replaced standard is still in force")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        std = record.standard
        for key in sorted(ctx.lineage.successors(record.key) - {record.key}):  # replacing itself: C010
            new = ctx.lineage.record(key)
            if new is None or new.standard.effective is None or new.standard.effective > ctx.as_of:
                continue
            if std.status is not Status.ABOLISHED:
                yield self.at(record, Text(f"已被 {key} 代替（{new.standard.effective} 实施），状态仍为{std.status.label.zh}",
                                           f"replaced by {key} (effective {new.standard.effective}) but still {std.status.label.en}"),
                              ("status",), key=False)
            elif std.abolished and std.abolished > new.standard.effective:
                yield self.at(record, Text(f"废止日期 {std.abolished} 晚于代替标准 {key} 的实施日期 {new.standard.effective}",
                                           f"abolished {std.abolished}, after its successor {key} took effect on {new.standard.effective}"),
                              ("abolished",), key=False)

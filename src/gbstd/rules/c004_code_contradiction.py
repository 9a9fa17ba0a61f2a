"""C004 code-contradiction: tier, nature or region contradict what the code says."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class CodeContradiction(RecordRule):
    """层级、性质或地区与标准号矛盾 / tier, nature or region contradicts the code

    What it does:
        When a record states `tier`, `nature` or `region` explicitly, checks them against the code:
        `GB/T` is a recommended national standard, `DB41` is Henan's local standard, no suffix means
        mandatory, `/Z` guidance.

    Why it matters:
        Statistics by tier and region in bulletins are computed from these fields; a record that says
        "national" for a DB code is counted in the wrong row.

    Example:
        code: DB41/T 2144-2021
        tier: national
        nature: mandatory

    Use instead:
        code: DB41/T 2144-2021   # tier, nature and region follow from the code; omit them
    """

    code = "C004"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "code-contradiction"
    summary = Text("层级、性质或地区与标准号矛盾", "tier, nature or region contradicts the code")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        code, std = record.code, record.standard
        if code is None:
            return
        if std.tier is not None and std.tier != code.tier:
            yield self.at(
                record,
                Text(f"层级写为{std.tier.label.zh}，但标准号 {code} 是{code.tier.label.zh}",
                     f"tier says {std.tier.label.en}, but {code} is a {code.tier.label.en} standard"),
                ("tier",), key=False,
            )
        if std.nature is not None and code.nature is not None and std.nature != code.nature:
            yield self.at(
                record,
                Text(f"性质写为{std.nature.label.zh}，但标准号 {code} 表示{code.nature.label.zh}",
                     f"nature says {std.nature.label.en}, but {code} is {code.nature.label.en}"),
                ("nature",), key=False,
            )
        if std.region is not None and code.region is not None and std.region != code.region:
            yield self.at(
                record,
                Text(f"行政区划写为 {std.region}，但标准号 {code} 属于 {code.region}",
                     f"region says {std.region}, but {code} belongs to {code.region}"),
                ("region",), key=False,
            )

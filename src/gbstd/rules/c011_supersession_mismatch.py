"""C011 supersession-mismatch: the two sides of a supersession disagree."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


def _codes(ctx: RuleContext, raws: list[str]) -> set[str]:
    return {code.canonical for raw in raws if (code := ctx.catalog.resolve(raw))}


class SupersessionMismatch(RecordRule):
    """代替关系两端不一致 / replaces and replaced_by disagree

    What it does:
        When A lists B in `replaces`, B must list A in `replaced_by`, and the other way round.

    Why it matters:
        Supersession is recorded on both files so that either can be read alone. When only one side says
        it, one of them is stale — usually the old standard still looks current.

    Example:
        GB-T-29118-2023.yaml:  replaces: [GB/T 29118-2012]
        GB-T-29118-2012.yaml:  (no replaced_by)

    Use instead:
        GB-T-29118-2012.yaml:  replaced_by: [GB/T 29118-2023]
    """

    code = "C011"
    reads = frozenset({"code", "lineage"})  # both ends' replaces/replaced_by
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "supersession-mismatch"
    summary = Text("代替关系两端不一致", "replaces and replaced_by disagree")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        std = record.standard
        for index, raw in enumerate(std.replaces):
            old = ctx.lineage.record(ctx.catalog.resolve(raw).canonical) if ctx.catalog.resolve(raw) else None
            if old is not None and old.key == record.key:
                continue  # replacing itself is C010's (listing itself on the other side would not help)
            if old is not None and record.key not in _codes(ctx, old.standard.replaced_by):
                yield self.at(record, Text(f"本标准代替 {old.key}，但 {old.rel} 的 replaced_by 未列出 {record.key}",
                                           f"this replaces {old.key}, but {old.rel} does not list {record.key} in replaced_by"),
                              ("replaces", index), key=False)
        for index, raw in enumerate(std.replaced_by):
            new = ctx.lineage.record(ctx.catalog.resolve(raw).canonical) if ctx.catalog.resolve(raw) else None
            if new is not None and new.key == record.key:
                continue
            if new is not None and record.key not in _codes(ctx, new.standard.replaces):
                yield self.at(record, Text(f"本标准被 {new.key} 代替，但 {new.rel} 的 replaces 未列出 {record.key}",
                                           f"this is replaced by {new.key}, but {new.rel} does not list {record.key} in replaces"),
                              ("replaced_by", index), key=False)

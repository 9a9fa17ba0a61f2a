"""C013 supersession-cycle: a chain of replacements that loops back on itself."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


class SupersessionCycle(Rule):
    """代替关系成环 / supersession cycle

    What it does:
        Follows `replaces`/`replaced_by` from old to new and reports any chain that returns to where it
        started (A replaces B replaces A).

    Why it matters:
        A cycle has no current version: no member can be the one in force. It is always a data error,
        often a `replaces` written on the wrong file.

    Example:
        DB41/T 1-2020  replaces: [DB41/T 1-2023]
        DB41/T 1-2023  replaces: [DB41/T 1-2020]

    Use instead:
        DB41/T 1-2020  replaced_by: [DB41/T 1-2023], status 废止
        DB41/T 1-2023  replaces: [DB41/T 1-2020]
    """

    code = "C013"
    reads = frozenset({"code", "lineage"})  # the supersession graph
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "supersession-cycle"
    summary = Text("代替关系成环", "supersession cycle")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        self.narrowed(ctx)  # the cycles are the whole graph's; a cycle that changed lies within the changes' reach
        for cycle in ctx.lineage.cycles():
            chain = " → ".join([*cycle, cycle[0]])
            for key in cycle:
                record = ctx.lineage.record(key)
                if record is not None:
                    field = "replaces" if record.standard.replaces else "replaced_by"
                    yield self.at(record, Text(f"代替关系成环：{chain}", f"supersession cycle: {chain}"), (field,))

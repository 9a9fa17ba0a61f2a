"""C018 suppression-unknown: a `suppress` entry names no rule."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class SuppressionUnknown(RecordRule):
    """忽略声明指向不存在的规则 / a suppression names no rule

    What it does:
        Reports each `suppress` entry of a record whose `rule` is not the code of any rule (`gbstd rules`
        lists them), such as a typo of the code meant.

    Why it matters:
        A suppression silences nothing when its code names no rule: the finding it was written for is still
        reported, and the entry's reason reads as if the case had been judged.

    Example:
        suppress:
          - {rule: C090, reason: 两个机关各自制定，已确认不重复}

    Use instead:
        suppress:
          - {rule: C009, reason: 两个机关各自制定，已确认不重复}
    """

    code = "C018"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "suppression-unknown"
    summary = Text("忽略声明指向不存在的规则", "a suppression names no rule")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        from gbstd.rules import RULES_BY_CODE  # the registry imports this module

        for index, item in enumerate(record.standard.suppress):
            if item.rule not in RULES_BY_CODE:
                yield self.at(record, Text(
                    f"suppress 中的 {item.rule} 不是任何规则的代码，什么也不会忽略（见 gbstd rules）",
                    f"{item.rule} in suppress is no rule's code, so it silences nothing (see gbstd rules)",
                ), ("suppress", index, "rule"), key=False)

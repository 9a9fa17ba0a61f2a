"""G001 deleted-record: a record file deleted instead of the standard being abolished."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


class DeletedRecord(Rule):
    """记录文件被删除而不是废止 / record file deleted instead of abolished

    What it does:
        With `lint --changed-since REF`: reports each record file that existed at REF and is gone from the
        working tree, when no other file holds its code now (a file that was moved, renamed or merged
        into another record is fine). The finding points at the deleted path, line 1.

    Why it matters:
        Standards are abolished, never deleted. A deleted record loses the standard's history: which
        standards it replaced, what referenced it, when it stopped applying. Counts in the half-year
        bulletin change silently, and references to it suddenly look unknown.

    Example:
        git rm records/local/DB41-T-1234-2016.yaml

    Use instead:
        keep the file and record the abolition:
        status: 废止
        abolished: 2024-06-01
        replaced_by: [DB41/T 1234-2024]
    """

    code = "G001"
    name = "deleted-record"
    summary = Text("记录文件被删除而不是废止", "record file deleted instead of abolished")
    needs_baseline = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.baseline is not None
        for before in ctx.baseline.deleted_records():
            key = before.key
            if key is not None and key in ctx.catalog.by_code:
                continue  # the standard lives on in another file (moved or merged)
            label = key or before.rel
            yield Finding(
                self.code,
                Text(
                    f"{label} 的记录文件自 {ctx.baseline.ref} 以来被删除；"
                    "标准应废止（status: 废止，填写 abolished），不应删除记录",
                    f"the record of {label} was deleted since {ctx.baseline.ref}; abolish the standard "
                    "(status: 废止 with an abolished date) instead of deleting its record",
                ),
                before.rel,
                key,
                line=1,
                column=1,
            )

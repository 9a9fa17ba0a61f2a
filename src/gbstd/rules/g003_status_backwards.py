"""G003 status-backwards: a status moving backwards (废止 → 现行)."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.baseline import Baseline, BaseRecord
from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.baseline_base import ChangedRecordRule

# A standard's life only moves forward: 即将实施 → 现行 → 废止.
STATUS_ORDER: dict[Status, int] = {Status.UPCOMING: 0, Status.IN_FORCE: 1, Status.ABOLISHED: 2}


class StatusBackwards(ChangedRecordRule):
    """状态倒退 / status moved backwards

    What it does:
        With `lint --changed-since REF`: compares each changed record's status with its status at REF.
        A standard's life only moves forward (即将实施 → 现行 → 废止); a change the other way is reported.

    Why it matters:
        An abolished standard does not come back into force: a revived subject gets a new standard with
        a new code. Moving 废止 back to 现行 is usually an editing slip (a wrong file, a bad merge) and
        puts a dead standard back into every count and every reference check.

    Example:
        status: 废止   →   status: 现行

    Use instead:
        keep `status: 废止`; if the subject is regulated again, add the new standard as its own record.
        If REF was wrong, say so with `suppress: [{rule: G003, reason: …}]`.
    """

    code = "G003"
    name = "status-backwards"
    summary = Text("状态倒退", "status moved backwards")

    def compare(self, record: Record, before: BaseRecord, baseline: Baseline) -> Iterator[Finding]:
        if before.standard is None:
            return
        old, new = before.standard.status, record.status
        if STATUS_ORDER[new] < STATUS_ORDER[old]:
            yield self.at(
                record,
                Text(
                    f"状态从 {old.label.zh} 退回 {new.label.zh}（{baseline.ref} 以来）；"
                    "标准的状态只能向前：即将实施 → 现行 → 废止",
                    f"the status went back from {old.label.en} to {new.label.en} since {baseline.ref}; "
                    "a status only moves forward: upcoming → in force → abolished",
                ),
                ("status",),
                key=False,
            )

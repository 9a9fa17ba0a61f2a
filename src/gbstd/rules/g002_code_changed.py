"""G002 code-changed: a record's code changed in place."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.baseline import Baseline, BaseRecord
from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.baseline_base import ChangedRecordRule


class CodeChanged(ChangedRecordRule):
    """标准号被原地修改 / code changed in place

    What it does:
        With `lint --changed-since REF`: compares each changed record's code with the code the same file
        (followed through renames) had at REF. Spelling fixes that keep the canonical code are fine.

    Why it matters:
        The code is a standard's identity. Editing `DB41/T 1234-2016` into `DB41/T 1234-2024` turns the
        record of the old edition into the new one: the old edition disappears from the catalog, and its
        dates, reviews and references now describe the wrong standard. A new edition is a new record
        that replaces the old one.

    Example:
        code: DB41/T 1234-2016   →   code: DB41/T 1234-2024   (same file)

    Use instead:
        a new file DB41-T-1234-2024.yaml with `replaces: [DB41/T 1234-2016]`, and in the old one
        `status: 废止`, `abolished: …`, `replaced_by: [DB41/T 1234-2024]`
    """

    code = "G002"
    name = "code-changed"
    summary = Text("标准号被原地修改", "code changed in place")

    def compare(self, record: Record, before: BaseRecord, baseline: Baseline) -> Iterator[Finding]:
        if before.key is None or before.key == record.key:
            return
        yield self.at(
            record,
            Text(
                f"标准号由 {before.key} 改为 {record.key}（{baseline.ref} 以来）；"
                "新版本应新建记录并用 replaces 指向旧版本，旧记录标为废止",
                f"the code changed from {before.key} to {record.key} since {baseline.ref}; "
                "a new edition is a new record that `replaces` the old one, which is abolished",
            ),
            ("code",),
            key=False,
        )

"""C003 file-name: the file name is not the one derived from the code."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class FileName(RecordRule):
    """文件名与标准号不符 / file name does not match the code

    What it does:
        Compares the file's name with the name derived from the canonical code: `/` and spaces become
        `-`, so `GB/T 41568-2022` lives in `GB-T-41568-2022.yaml` (`.yml` is accepted too).

    Why it matters:
        The file name is how people and git find a record; two files for one standard hide behind
        different names, and a renamed code leaves a file that lies about its content.

    Example:
        records/national/terminology.yaml  containing  code: GB/T 41568-2022

    Use instead:
        records/national/GB-T-41568-2022.yaml
    """

    code = "C003"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "file-name"
    summary = Text("文件名与标准号不符", "file name does not match the code")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        if record.code is None:
            return
        actual = record.rel.rsplit("/", 1)[-1]
        expected = record.code.filename
        if actual not in (expected, expected[: -len(".yaml")] + ".yml"):
            yield self.at(
                record,
                Text(f"文件名应为 {expected}（由标准号 {record.key} 得出）", f"file should be named {expected} (from code {record.key})"),
                ("code",),
                key=False,
            )

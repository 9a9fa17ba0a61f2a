"""C015 reference-unknown: a reference to a standard the catalog does not know."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.catalog.references import resolve_reference
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.base import RecordRule, RuleContext


class ReferenceUnknown(RecordRule):
    """引用的标准不在目录中 / a reference to an unknown standard

    What it does:
        For standards that are not abolished, reports codes in `references` that are not valid codes or
        that have no record in the catalog (dated or undated).

    Why it matters:
        The tool can only tell whether a cited standard is still in force if the catalog records it.
        This is informational: catalogs rarely hold every general standard they cite.

    Example:
        references: [GB/T 99999-2020]

    Use instead:
        add a record for the cited standard, or fix a mistyped code
    """

    code = "C015"
    reads = frozenset({"code", "status", "refs"})  # references against the codes held
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "reference-unknown"
    summary = Text("引用的标准不在目录中", "a reference to an unknown standard")
    severity = Severity.INFO

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        if record.status is Status.ABOLISHED:
            return
        for index, raw in enumerate(record.standard.references):
            if resolve_reference(ctx.catalog, raw) is None:
                yield self.at(record, Text(f"引用的 {raw} 不在目录中", f"references {raw}, which is not in the catalog"),
                              ("references", index), key=False)

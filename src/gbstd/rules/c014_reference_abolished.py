"""C014 reference-abolished: an in-force standard cites an abolished one."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.catalog.references import resolve_reference
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.base import RecordRule, RuleContext


class ReferenceAbolished(RecordRule):
    """现行标准引用了已废止的标准 / an in-force standard references an abolished one

    What it does:
        For standards that are 现行 or 即将实施, resolves every code in `references` (dated, or undated
        like `GB/T 29118` meaning its latest version) and reports those that are abolished in the catalog,
        naming the successor when there is one.

    Why it matters:
        A standard that cites an abolished one sends its users to requirements that no longer apply —
        a failure of 衔接 (linkage) between standards, which GB/T 1.1-2020 (8.6, normative references)
        and the Standardisation Law (art. 21–22: lower tiers consistent with the upper) rule out.

    Example:
        references: [GB/T 29118-2012]     # abolished, replaced by GB/T 29118-2023

    Use instead:
        references: [GB/T 29118-2023]
    """

    code = "C014"
    reads = frozenset({"code", "status", "refs", "lineage"})  # references, targets' status and successors
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "reference-abolished"
    summary = Text("现行标准引用了已废止的标准", "an in-force standard references an abolished one")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        if record.status is Status.ABOLISHED:
            return
        for index, raw in enumerate(record.standard.references):
            target = resolve_reference(ctx.catalog, raw)
            if target is None or target.status is not Status.ABOLISHED:
                continue
            # Only successors that have a record: a replaced_by pointing nowhere is C010's, not advice.
            successors = sorted(s for s in ctx.lineage.successors(target.key) if ctx.catalog.get(s) is not None)
            hint = Text(f"，应改为 {'、'.join(successors)}", f"; use {', '.join(successors)}") if successors else Text("", "")
            yield self.at(record, Text(f"引用的 {target.key} 已废止{hint.zh}", f"references {target.key}, which is abolished{hint.en}"),
                          ("references", index), key=False)

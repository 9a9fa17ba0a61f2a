"""D002 remakes-upper-tier: a lower-tier standard re-makes a national, industry or provincial one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from gbstd.catalog.catalog import Record
from gbstd.catalog.references import cites
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules._dupes import findings
from gbstd.rules.base import DUPLICATE_FACTS, Rule, RuleContext

if TYPE_CHECKING:
    from gbstd.similarity import DuplicatePair


class RemakesUpperTier(Rule):
    """重复制定上级标准 / re-makes an upper-tier standard instead of adopting it

    What it does:
        Reports a live record whose subject matches a standard of a higher tier that covers it: a national or
        industry standard, or a local standard of the province (or city) the record's region lies in. A record
        that already cites the upper-tier standard — in `references`, `adopts` or `refines`, dated or
        undated — is not reported (nor listed by `gbstd dupes` or the bulletin): citing it and adding local
        detail is linking (衔接), not re-making it.

    Why it matters:
        重复建设: every province, city and county writing its own copy of a standard that already exists
        above it (the Standardisation Law, art. 21–22, and GB/T 13016 ask lower tiers to adopt or refine
        the upper one). Copies drift from the original and multiply the maintenance.

    Example:
        DB41/T 2397-2023 机关食堂反食品浪费管理规范 while GB/T 42967-2023 机关食堂反食品浪费工作指南 exists,
        without citing it

    Use instead:
        adopt the upper-tier standard; or cite it (`references: [GB/T 42967-2023]`) and keep only local detail;
        or declare `distinct_from: [{code: GB/T 42967-2023, reason: …}]`
    """

    code = "D002"
    reads = DUPLICATE_FACTS  # what duplicate detection reads: see similarity.fingerprint
    name = "remakes-upper-tier"
    summary = Text("重复制定上级标准", "re-makes an upper-tier standard instead of adopting it")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from gbstd.similarity import DuplicateKind  # the similarity stack loads only when the D rules run

        def uncited(lower: Record, pair: DuplicatePair) -> bool:
            standard = lower.standard  # most records cite nothing: no code to parse
            # cites() is the definition dupes and the bulletin use too
            return not (standard.references or standard.adopts or standard.refines) or not cites(standard, pair.a)

        yield from findings(
            self, ctx, DuplicateKind.ADOPT_UPPER,
            Text("与上级标准 {partner} 主题重复（疑似重复组共 {size} 项）：{advice}",
                 "same subject as upper-tier {partner} (a group of {size} likely duplicates): {advice}"),
            uncited,
        )

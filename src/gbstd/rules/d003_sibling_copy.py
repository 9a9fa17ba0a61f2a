"""D003 sibling-copy: another region or body already has a standard on this subject."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules._dupes import findings
from gbstd.rules.base import DUPLICATE_FACTS, Rule, RuleContext


class SiblingCopy(Rule):
    """其他地区已有同主题标准 / another region already has a standard on this subject

    What it does:
        Reports (as information) live records whose subject matches a standard of a sibling region or another
        issuing body at no higher tier: two cities, two provinces, a city and another province's internal
        standard, two group standards.

    Why it matters:
        "择优选取、共同使用": before writing (or revising) a standard, a bureau should look at what its
        neighbours already have. This is a hint, not a defect: each region may legitimately need its own.

    Example:
        DB3310/T 80-2021 公务用车服务规范 (台州) and DB1411/T 62-2023 机关公务用车服务规范 (吕梁)

    Use instead:
        at the next review consider adopting the best of them; to silence a pair for good, declare
        `distinct_from: [{code: DB1411/T 62-2023, reason: …}]`
    """

    code = "D003"
    reads = DUPLICATE_FACTS  # what duplicate detection reads: see similarity.fingerprint
    name = "sibling-copy"
    summary = Text("其他地区已有同主题标准", "another region already has a standard on this subject")
    severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from gbstd.similarity import DuplicateKind  # the similarity stack loads only when the D rules run

        yield from findings(
            self, ctx, DuplicateKind.SIBLING,
            Text("其他地区或机构已有同主题标准 {partner}（疑似重复组共 {size} 项），可考虑直接采用（择优选取、共同使用）",
                 "other regions or bodies have standards on this subject, e.g. {partner} (a group of {size} likely "
                 "duplicates); consider adopting theirs"),
        )

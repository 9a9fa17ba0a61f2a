"""D001 duplicate-subject: two live standards on one subject in the same tier and region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules._dupes import findings
from gbstd.rules.base import DUPLICATE_FACTS, Rule, RuleContext
from gbstd.rules.c009_duplicate_title import title_key

if TYPE_CHECKING:
    from gbstd.similarity import DuplicatePair


class DuplicateSubject(Rule):
    """同层级同地区主题重复 / the same subject twice in one tier and region

    What it does:
        Uses the duplicate detector (`gbstd dupes`) and reports live records whose subject matches another
        record of the same tier and the same region (or the same issuing body for non-local standards):
        titles that differ by a generic word (机关食堂服务规范 / 机关食堂服务管理规范), by a region or
        organisational word, or by a word or two of the subject. Identical titles are C009's job and are not
        repeated here. Pairs a record declares in `distinct_from`, and a standard and its own predecessor,
        are not reported.

    Why it matters:
        "一事一标": one subject should have one standard. Two in one place split implementation, contradict
        each other over time and double the review work.

    Example:
        DB41/T 100-2020 机关食堂服务规范 and DB41/T 230-2022 机关食堂服务管理规范, both 现行

    Use instead:
        merge them into one standard and abolish the other; or, if they really differ, say so:
        `distinct_from: [{code: DB41/T 100-2020, reason: …}]`
    """

    code = "D001"
    reads = DUPLICATE_FACTS  # what duplicate detection reads: see similarity.fingerprint
    name = "duplicate-subject"
    summary = Text("同层级同地区主题重复", "the same subject twice in one tier and region")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from gbstd.similarity import DuplicateKind  # the similarity stack loads only when the D rules run

        def differs(record: Record, pair: DuplicatePair) -> bool:  # identical titles are C009's
            return title_key(pair.a_record.title) != title_key(pair.b_record.title)

        yield from findings(
            self, ctx, DuplicateKind.MERGE,
            Text("与 {partner} 主题重复（疑似重复组共 {size} 项）：{advice}",
                 "same subject as {partner} (a group of {size} likely duplicates): {advice}"),
            differs,
        )

"""R005 review-revise-no-successor: a review concluded 修订 long ago and no revised standard replaces it."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record, edition_stem
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Conclusion
from gbstd.review import add_months
from gbstd.rules.base import RecordRule, RuleContext


class ReviewReviseNoSuccessor(RecordRule):
    """复审结论为修订但无修订版 / reviewed as revise, no revised standard

    What it does:
        Reports a standard in force on `--as-of` whose latest review concluded 修订 (revise) more than
        `[review] revise_grace_months` (default 24) earlier, while no standard replaces it (neither its
        `replaced_by` nor another record's `replaces`).

    Why it matters:
        A 修订 conclusion says the standard no longer fits practice. If the revision never comes, users
        keep applying text its own reviewers found wanting (重制定轻实施; the Standardisation Law, art. 29,
        asks for revision or abolition to follow the review).
        Twenty-four months is the usual upper bound for making a national standard.

    Example:
        reviews:
          - {date: 2022-05-10, conclusion: 修订, by: 榆林市机关事务管理局}
        # as of 2026-11-23: no successor after 4 years

    Use instead:
        replaced_by: [DB6108/T 45-2025]     # once the revision is published
    """

    code = "R005"
    reads = frozenset({"code", "status", "dates", "lineage", "making", "reviews"})  # review states and successors
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "review-revise-no-successor"
    summary = Text("复审结论为修订但无修订版", "reviewed as revise, no revised standard")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        state = ctx.review_state(record)
        last = state.last_review
        if not state.in_force or last is None or last.conclusion is not Conclusion.REVISE:
            return
        grace = ctx.catalog.config.review.revise_grace_months
        deadline = add_months(last.date, grace)
        if ctx.as_of <= deadline or ctx.lineage.successors(record.key):
            return
        hint = self._newer_edition(record, ctx)
        hint_zh = f"；目录中有 {hint}，如它是修订版，请在 replaced_by 中注明" if hint else ""
        hint_en = f"; the catalog has {hint}: if it is the revision, add it to replaced_by" if hint else ""
        yield self.at(record, Text(
            f"{last.date} 复审结论为修订，{grace} 个月宽限期（至 {deadline}）已过，"
            f"仍没有代替它的修订版{hint_zh}",
            f"the review of {last.date} concluded revise; the {grace}-month grace period ended {deadline} "
            f"and no revised standard replaces it{hint_en}",
        ), ("reviews", state.last_review_index or 0, "conclusion"), key=False)

    @staticmethod
    def _newer_edition(record: Record, ctx: RuleContext) -> str | None:
        if record.code is None:
            return None
        stem = edition_stem(record.key)
        year = record.code.year
        newer = [r.key for r in ctx.catalog.editions.get(stem, []) if r.code and r.code.year > year]
        return min(newer) if newer else None

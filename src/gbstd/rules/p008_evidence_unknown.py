"""P008 evidence-unknown: plan evidence names a standard not in the catalog or a file that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.plans import evidence_file_state, plan_evidence
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class EvidenceUnknown(PlanRule):
    """佐证不存在 / evidence that does not exist

    What it does:
        Reports evidence in a plan (of tasks, milestones and submitted reports) that names a standard the
        catalog has no record of, or a file that does not exist inside the catalog directory.

    Why it matters:
        Evidence is what makes "done" checkable. A mistyped code or a moved file leaves a task marked done
        with nothing behind it.

    Example:
        evidence:
          - standard: DB41/T 9999-2022      # no such record
          - file: evidence/2021-training.pdf  # no such file

    Use instead:
        evidence:
          - standard: DB41/T 2397-2023
          - file: evidence/2021-10-training.pdf
    """

    code = "P008"
    name = "evidence-unknown"
    summary = Text("佐证不存在", "evidence that does not exist")

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        catalog = ctx.catalog
        for item, loc in plan_evidence(plan_file):
            if item.standard is not None and catalog.get(item.standard) is None:
                yield self.at_plan(plan_file, Text(
                    f"佐证标准 {item.standard} 不在目录中",
                    f"evidence standard {item.standard} is not in the catalog",
                ), (*loc, "standard"), key=False)
            state = evidence_file_state(catalog.root, item.file, catalog.present_then) if item.file is not None else "present"
            if state == "outside":
                yield self.at_plan(plan_file, Text(
                    f"佐证文件 {item.file} 在目录之外",
                    f"evidence file {item.file} lies outside the catalog",
                ), (*loc, "file"), key=False)
            elif state == "missing":
                yield self.at_plan(plan_file, Text(
                    f"佐证文件 {item.file} 不存在（路径相对于目录根）",
                    f"evidence file {item.file} does not exist (paths are relative to the catalog root)",
                ), (*loc, "file"), key=False)

"""P007 target-filter: a plan target whose filter can match nothing in the catalog's vocabulary."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import PlanFile
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.regions import is_valid_region
from gbstd.plans import target_window
from gbstd.rules.base import RuleContext
from gbstd.rules.plan_base import PlanRule


class TargetFilter(PlanRule):
    """目标的计数范围不可能匹配任何标准 / a target filter that can match nothing

    What it does:
        Checks each plan target's filter against the catalog's vocabulary: every region must be a division
        code (GB/T 2260, e.g. 41 or 4103), every module a 体系编号 of `system.yaml`, and the window's
        `from` must not come after its `to`. (Tiers and statuses are fixed lists: a wrong one is a schema
        error, C001.)

    Why it matters:
        A target counted with a filter that cannot match reads "0 / 20" forever, which looks like no work
        done rather than a typo in the plan file.

    Example:
        filter: {tiers: [local], regions: ["14"], modules: ["209"]}   # 14 is Shanxi; no module 209

    Use instead:
        filter: {tiers: [local], regions: ["41"], modules: ["200"]}
    """

    code = "P007"
    name = "target-filter"
    summary = Text("目标的计数范围不可能匹配任何标准", "a target filter that can match nothing")

    def check_plan(self, plan_file: PlanFile, ctx: RuleContext) -> Iterator[Finding]:
        plan = plan_file.plan
        modules = ctx.catalog.modules
        for index, target in enumerate(plan.targets):
            here = ("targets", index)
            for position, region in enumerate(target.filter.regions):
                if not is_valid_region(region):
                    yield self.at_plan(plan_file, Text(
                        f"目标“{target.id}”的行政区划 {region!r} 不是有效的区划代码（如 41、4103），"
                        "匹配不到任何标准",
                        f"target '{target.id}': region {region!r} is not a division code (e.g. 41, 4103); "
                        "it matches nothing",
                    ), (*here, "filter", "regions", position), key=False)
            if modules:
                for position, module in enumerate(target.filter.modules):
                    if module not in modules:
                        yield self.at_plan(plan_file, Text(
                            f"目标“{target.id}”的体系编号 {module} 不在标准体系中，匹配不到任何标准",
                            f"target '{target.id}': module {module} is not in the standard system; "
                            "it matches nothing",
                        ), (*here, "filter", "modules", position), key=False)
            start, end = target_window(plan, target)
            if start > end:
                yield self.at_plan(plan_file, Text(
                    f"目标“{target.id}”的计数窗口 {start}—{end} 起点晚于终点，匹配不到任何标准",
                    f"target '{target.id}': the window {start}…{end} starts after it ends; "
                    "it matches nothing",
                ), (*here, "from" if target.from_ else "to"), key=False)

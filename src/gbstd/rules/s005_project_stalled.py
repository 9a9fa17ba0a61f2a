"""S005 project-stalled: a standard in the making has stayed in one stage too long."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


class ProjectStalled(Rule):
    """项目在一个阶段停留过久 / a project has stayed in one stage too long

    What it does:
        For every project in `projects/` that is neither published nor withdrawn, measures the whole months
        since it reached its current stage (as of `--as-of`) and reports it when that reaches the limit:
        `[pipeline] stall_months` (default 12), or the stage's own limit in `[pipeline] stage_months`,
        e.g. `stage_months = {"征求意见" = 3}`.

    Why it matters:
        立项 figures look good in a bulletin; standards that sit in 起草 for years are 重制定轻实施 turned
        upside down — planned, counted, never finished. A stall is the moment to push, re-plan or withdraw.

    Example:
        history:
          - {stage: 立项, date: 2024-03-01}
          - {stage: 起草, date: 2024-04-10}    # still drafting in 2025-06: 14 months

    Use instead:
        history:
          - ...
          - {stage: 征求意见, date: 2025-03-20}
        # or, when the work stops: withdrawn: 2025-06-30
    """

    code = "S005"
    reads = frozenset({"code"})  # projects only (never empty: a record added or removed still re-runs it)
    on_records = False  # findings in project files only
    name = "project-stalled"
    summary = Text("项目在一个阶段停留过久", "a project has stayed in one stage too long")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for state in ctx.project_states:
            if not state.stalled or state.stage is None or state.since is None:
                continue
            history = state.entry.project.history
            index = next(
                (i for i, e in enumerate(history) if e.stage is state.stage and e.date == state.since), 0
            )
            yield self.at_project(
                state.entry,
                Text(
                    f"项目自 {state.since} 起处于“{state.stage.label.zh}”阶段已 {state.months_in_stage} 个月"
                    f"（上限 {state.stall_limit} 个月）",
                    f"the project has been in {state.stage.label.en} since {state.since}: "
                    f"{state.months_in_stage} "
                    f"months (limit {state.stall_limit})",
                ),
                ("history", index, "date"),
                key=False,
            )

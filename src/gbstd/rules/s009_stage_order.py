"""S009 stage-order: stage dates that run backwards, or a stage recorded twice."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.findings import Finding, Loc
from gbstd.i18n import Text
from gbstd.model.making import Stage, StageEvent
from gbstd.rules.base import Rule, RuleContext


def order_problems(history: list[StageEvent]) -> Iterator[tuple[int, Text]]:
    """(index, message) for each event dated before an earlier stage's, or repeating a stage."""
    seen: dict[object, int] = {}
    for index, event in enumerate(history):
        if event.stage in seen:
            yield (
                index,
                Text(
                    f"阶段“{event.stage.label.zh}”重复记录", f"stage {event.stage.label.en} is recorded twice"
                ),
            )
            continue
        seen[event.stage] = index
        for other in history:
            if other.stage.order < event.stage.order and other.date > event.date:
                yield (
                    index,
                    Text(
                        f"“{event.stage.label.zh}”的日期 {event.date} "
                        f"早于前一阶段“{other.stage.label.zh}”的 {other.date}",
                        f"{event.stage.label.en} on {event.date} is dated before the earlier stage "
                        f"{other.stage.label.en} on {other.date}",
                    ),
                )
                break


class StageOrder(Rule):
    """制定阶段日期倒置或重复 / stage dates run backwards, or a stage is recorded twice

    What it does:
        In each project's `history` and each standard's `making.history`, reports a stage dated before an
        earlier stage of the process (审查 before 征求意见, 立项 before 申报) and a stage listed twice. A
        published standard's `making` must also not date 批准发布 differently from `published`.

    Why it matters:
        Ages in `gbstd pipeline`, stall warnings and the bulletin's 立项 and 发布 counts all read these dates;
        one typo in a year moves a project into the wrong half-year.

    Example:
        history:
          - {stage: 立项, date: 2025-04-20}
          - {stage: 起草, date: 2024-05-06}     # 2025 meant

    Use instead:
        history:
          - {stage: 立项, date: 2025-04-20}
          - {stage: 起草, date: 2025-05-06}
    """

    code = "S009"
    reads = frozenset({"code", "dates", "making"})  # projects' and records' making histories
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "stage-order"
    summary = Text("制定阶段日期倒置或重复", "stage dates run backwards, or a stage is recorded twice")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for entry in ctx.catalog.projects:
            for index, message in order_problems(entry.project.history):
                yield self.at_project(entry, message, ("history", index, "date"), key=False)
        for record in self.records_to_check(ctx):
            making = record.standard.making
            if making is None:
                continue
            prefix: Loc = ("making", "history")
            for index, message in order_problems(making.history):
                yield self.at(record, message, (*prefix, index, "date"), key=False)
            published = record.standard.published
            for index, event in enumerate(making.history):
                if event.stage is Stage.PUBLICATION and published and event.date != published:
                    yield self.at(
                        record,
                        Text(
                            f"批准发布日期 {event.date} 与 published {published} 不一致",
                            f"publication on {event.date} differs from published {published}",
                        ),
                        (*prefix, index, "date"),
                        key=False,
                    )

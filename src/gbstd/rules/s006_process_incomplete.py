"""S006 process-incomplete: a standard published without the stages its process requires."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.model.code import Tier
from gbstd.model.making import Round, RoundKind, Stage, StageEvent
from gbstd.model.system import ProcessRequirement
from gbstd.pipeline import reached
from gbstd.rules.base import Rule, RuleContext

_ROUND_NAMES = {
    RoundKind.REVIEW: ("审", "review"),
    RoundKind.REVISION: ("改", "revision"),
    RoundKind.STUDY: ("研究", "study"),
}


def missing_steps(
    requirement: ProcessRequirement, history: list[StageEvent], rounds: list[Round], published: dt.date | None
) -> Text | None:
    """What the making history lacks against ``requirement``, or None when it is complete."""
    have = set(reached(history))
    if published is not None:
        have.add(Stage.PUBLICATION)
    stages = [stage for stage in requirement.stages if stage not in have]
    counted = Counter(r.kind for r in rounds)
    wanted_rounds = (
        (RoundKind.REVIEW, requirement.reviews),
        (RoundKind.REVISION, requirement.revisions),
        (RoundKind.STUDY, requirement.studies),
    )
    short = [(kind, want, counted[kind]) for kind, want in wanted_rounds if counted[kind] < want]
    if not stages and not short:
        return None
    zh, en = [], []
    if stages:
        zh.append("缺少阶段 " + "、".join(s.label.zh for s in stages))
        en.append("missing stages " + ", ".join(s.label.en for s in stages))
    for kind, wanted, got in short:
        zh.append(f"“{_ROUND_NAMES[kind][0]}”{got}/{wanted} 轮")
        en.append(f"{got}/{wanted} {_ROUND_NAMES[kind][1]} rounds")
    return Text("；".join(zh), "; ".join(en))


class ProcessIncomplete(Rule):
    """发布的标准未走完规定的制定程序 / a standard was published without the stages its process requires

    What it does:
        `system.yaml` may list the making process each tier must follow (`process:`): the stages that need
        a date (申报, 立项, 起草, 征求意见, 审查, 批准发布) and, for internal standards, the rounds of
        "三审三改一研究" (`reviews: 3, revisions: 3, studies: 1`), for standards published on or after
        `since` (and, with `regions`, only in those divisions). For each such standard the rule reads its
        `making` history — or the history of the project that produced it — and reports what is missing.
        A project marked 批准发布 whose standard is not in the catalog is checked the same way.

    Why it matters:
        The process is what makes a standard worth having: 征求意见 brings in those who must apply it,
        审查 checks it, "三审三改一研究" is Henan's discipline for internal standards. A standard that skipped
        them is 重数量轻质量 (GB/T 1.1-2020 and the Henan plan ask for consultation and review), and a
        record without its history cannot show it
        did not.

    Example:
        code: HNJGSW 305-2024
        making:
          history: [{stage: 立项, date: 2024-01-10}, {stage: 批准发布, date: 2024-03-01}]
          rounds: [{kind: 审, date: 2024-02-01}]

    Use instead:
        making:
          history: [申报, 立项, 起草, 审查 and 批准发布, each with its date]
          rounds: [three 审, three 改 and one 研究, each with its date]
    """

    code = "S006"
    reads = frozenset({"code", "status", "dates", "making"})  # making histories and publication dates by tier and region
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "process-incomplete"
    summary = Text(
        "发布的标准未走完规定的制定程序", "a standard was published without the stages its process requires"
    )
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        records = self.records_to_check(ctx)  # first: an incremental run learns which records this re-checked
        system = ctx.catalog.system
        if system is None or not system.process:
            return
        made_by = ctx.project_of_record
        for record in records:
            standard = record.standard
            for requirement in system.process:
                if not requirement.applies(record.tier, record.region, standard.published):
                    continue
                project = made_by.get(record.key)
                history = list(standard.making.history) if standard.making else []
                rounds = list(standard.making.rounds) if standard.making else []
                if project:
                    history += project.project.history
                    rounds += project.project.rounds
                lacking = missing_steps(requirement, history, rounds, standard.published)
                if lacking is None:
                    continue
                loc: Loc = ("making",) if standard.making else ("published",)
                yield self.at(
                    record,
                    Text(
                        f"按“{requirement.name}”（{requirement.since} 起发布的标准适用）{lacking.zh}",
                        f"by '{requirement.name}' (for standards published from {requirement.since}): "
                        f"{lacking.en}",
                    ),
                    loc,
                )
        recorded = {entry.rel for entry in made_by.values()}
        for state in ctx.project_states:
            entry = state.entry
            project = entry.project
            if state.stage is not Stage.PUBLICATION or entry.rel in recorded:
                continue
            published = reached(project.history, ctx.as_of)[Stage.PUBLICATION].date
            region = project.region
            for requirement in system.process:
                if not requirement.applies(Tier(project.tier), region, published):
                    continue
                lacking = missing_steps(requirement, list(project.history), list(project.rounds), published)
                if lacking is not None:
                    yield self.at_project(
                        entry,
                        Text(
                            f"按“{requirement.name}”{lacking.zh}",
                            f"by '{requirement.name}': {lacking.en}",
                        ),
                        ("history",),
                    )

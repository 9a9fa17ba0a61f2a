"""S007 project-covered: a project on a subject that a standard in force already covers."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.catalog.references import resolve_reference
from gbstd.coverage import show_terms
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.code import TIER_RANK, Tier
from gbstd.model.project import Project
from gbstd.rules.base import Rule, RuleContext


def covers(standard: Record, project: Project) -> bool:
    """Whether ``standard`` applies where the project's would: same or upper tier, same or wider region."""
    tier = standard.tier
    if tier is None or tier in (Tier.GROUP, Tier.ENTERPRISE) or TIER_RANK[tier] > TIER_RANK[project.tier]:
        return False
    if tier in (Tier.NATIONAL, Tier.INDUSTRY):
        return True
    return bool(standard.region and project.region and project.region.startswith(standard.region))


class ProjectCovered(Rule):
    """项目主题已有现行标准覆盖 / a project's subject is already covered by a standard in force

    What it does:
        For each project still being made, looks for standards in force in the project's module on the same
        subject (the module's `subjects` words in the title, scope or the project's own `subjects`, or the
        same title core) that apply where the new standard would: national and industry standards
        everywhere, local and internal ones in their division and below, of the same or an upper tier.
        Standards the project names in `replaces` (a revision), `adopts` or `refines` are not reported.

    Why it matters:
        重复建设 is cheapest to stop before the drafting starts: "一事一标、择优选取、共同使用" — adopt the
        existing standard, or say why a new one is needed.

    Example:
        title: 省直机关食堂反食品浪费管理规范     # HNJGSW 302-2023 and DB41/T 2397-2023 are in force

    Use instead:
        refines: [DB41/T 2397-2023]    # if the project details the provincial standard
        replaces: [HNJGSW 302-2023]    # if it revises the existing internal one
    """

    code = "S007"
    reads = frozenset({"code", "title", "status", "dates", "module", "dupes", "lineage"})  # subjects come from titles and scopes
    on_records = False  # findings in project files only
    name = "project-covered"
    summary = Text(
        "项目主题已有现行标准覆盖", "a project's subject is already covered by a standard in force"
    )
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for state in ctx.project_states:
            if not state.active:
                continue
            project = state.entry.project
            terms = ctx.subjects.terms(project.module, project.title, project.scope, tuple(project.subjects))
            candidates = ctx.subjects.in_force_sharing(project.module, terms, project.region)
            if not candidates:
                continue
            declared = set()
            for raw in (*project.replaces, *project.adopts, *project.refines):
                target = resolve_reference(ctx.catalog, raw)
                if target is not None:
                    declared.add(target.key)
            found = [
                (r, t)
                for key, (r, t) in sorted(candidates.items())
                if key not in declared and covers(r, project)
            ]
            if not found:
                continue
            listed_zh = "；".join(f"{r.key} {r.title}（主题：{show_terms(t)}）" for r, t in found)
            listed_en = "; ".join(f"{r.key} {r.title} (subject: {show_terms(t)})" for r, t in found)
            yield self.at_project(
                state.entry,
                Text(
                    f"同一主题已有现行标准 {listed_zh}；"
                    "请采用或细化（adopts/refines），或作为修订项目声明 replaces",
                    f"standards in force already cover this subject: {listed_en}; adopt or refine them "
                    "(adopts/refines), or declare the project a revision (replaces)",
                ),
                ("title",),
                key=False,
            )

"""S004 linkage-target: adopts/refines points at an abolished, unknown or non-upper standard."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.references import resolve_reference
from gbstd.coverage import is_upper_tier, reaches
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.model.code import Tier
from gbstd.model.standard import Status
from gbstd.rules.base import Rule, RuleContext


class LinkageTarget(Rule):
    """衔接声明指向已废止、未知或非上级的标准 / adopts/refines points at an abolished or wrong standard

    What it does:
        Resolves every code in `adopts` and `refines` of standards that are not abolished, and of projects
        still being made. Reports a target that is abolished (naming its successor), one the catalog does
        not hold, and one that is not of an upper tier (a national standard cannot refine a local one); the
        local standard of a division the record lies in is upper to it (a province's to its cities').
        `references` to abolished standards are rule C014's job.

    Why it matters:
        A lower-tier standard that still adopts the abolished version of an upper-tier one contradicts the
        upper tier's status: its users apply requirements the nation or province has withdrawn. This is the
        衔接 failure the Standardisation Law (art. 21–22) rules out.

    Example:
        code: DB51/T 2610-2019
        refines: [GB/T 29118-2012]      # 废止, replaced by GB/T 29118-2023

    Use instead:
        refines: [GB/T 29118-2023]      # and review the standard against the new version
    """

    code = "S004"
    reads = frozenset({"code", "status", "refs", "lineage"})  # adopts/refines targets' tier, status and successors
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "linkage-target"
    summary = Text(
        "衔接声明指向已废止、未知或非上级的标准",
        "adopts/refines points at an abolished, unknown or non-upper standard",
    )
    severity = Severity.WARNING

    def _targets(
        self, ctx: RuleContext, tier: Tier | None, region: str | None, adopts: list[str], refines: list[str],
        prefix: Loc,
    ) -> Iterator[tuple[Loc, Text]]:
        for field_name, codes in (("adopts", adopts), ("refines", refines)):
            for index, raw in enumerate(codes):
                loc = (*prefix, field_name, index)
                target = resolve_reference(ctx.catalog, raw)
                if target is None:
                    yield (
                        loc,
                        Text(
                            f"{field_name} 中的 {raw} 不在目录中，无法核对其状态",
                            f"{raw} in {field_name} is not in the catalog; its status cannot be checked",
                        ),
                    )
                elif target.status is Status.ABOLISHED:
                    successors = sorted(ctx.lineage.successors(target.key))
                    hint = (
                        Text(f"，应改为 {'、'.join(successors)}", f"; use {', '.join(successors)}")
                        if successors
                        else Text("", "")
                    )
                    yield (
                        loc,
                        Text(
                            f"{field_name} 中的 {target.key} 已废止{hint.zh}",
                            f"{target.key} in {field_name} is abolished{hint.en}",
                        ),
                    )
                elif not (is_upper_tier(target.tier, tier) or reaches(target.tier, target.region, tier, region)):
                    # a higher tier, or the local standard of a division this one lies in (province → city),
                    # as S003 asks these links of
                    upper = target.tier.label if target.tier else Text("未知", "unknown")
                    mine = tier.label if tier else Text("未知", "unknown")
                    yield (
                        loc,
                        Text(
                            f"{field_name} 中的 {target.key}（{upper.zh}）不是本标准（{mine.zh}）的上级标准",
                            f"{target.key} in {field_name} ({upper.en}) is not of an upper tier "
                            f"than this ({mine.en})",
                        ),
                    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for record in self.records_to_check(ctx):
            standard = record.standard
            if record.status is Status.ABOLISHED or not (standard.adopts or standard.refines):
                continue
            for loc, message in self._targets(ctx, record.tier, record.region, standard.adopts, standard.refines, ()):
                yield self.at(record, message, loc, key=False)
        for state in ctx.project_states:
            project = state.entry.project
            if state.active and (project.adopts or project.refines):
                for loc, message in self._targets(ctx, project.tier, project.region, project.adopts, project.refines,
                                                  ()):
                    yield self.at_project(state.entry, message, loc, key=False)

"""What the module rules (S001, S002) share: the top-most module of a branch matching a condition."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator

from gbstd.coverage import ModuleNode
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


def coming(node: ModuleNode) -> Text | None:
    """What is on its way in a module (upcoming standards, projects in progress), or None."""
    parts = []
    if node.total.upcoming:
        parts.append(Text(f"即将实施 {node.total.upcoming} 项", f"{node.total.upcoming} upcoming"))
    if node.total.in_progress:
        parts.append(Text(f"在研项目 {node.total.in_progress} 项", f"{node.total.in_progress} in progress"))
    if not parts:
        return None
    return Text("，".join(p.zh for p in parts), ", ".join(p.en for p in parts))


class ModuleRule(Rule):
    """Reports each module of ``system.yaml`` that matches, but not below a parent that matches too."""

    # the system summary: modules, statuses and dates, review states (zombies), what is being made
    reads = frozenset({"code", "status", "dates", "module", "lineage", "making", "reviews"})
    on_records = False  # findings in system.yaml only

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.catalog.system is None or ctx.catalog.system_rel is None:
            return
        for node in ctx.system_summary.nodes():
            if not self.matches(node) or (node.parent is not None and self.matches(node.parent)):
                continue
            yield Finding(
                self.code, self.message(node, coming(node)), ctx.catalog.system_rel, None,
                loc=(*node.loc, "id"), key=False,
            )  # fmt: skip

    @abstractmethod
    def matches(self, node: ModuleNode) -> bool:
        """Whether this module has the problem the rule reports."""

    @abstractmethod
    def message(self, node: ModuleNode, coming: Text | None) -> Text:
        """The finding's message for a matching module."""

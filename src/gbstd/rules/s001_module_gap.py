"""S001 module-gap: a module of the standard system with no standard in it."""

from __future__ import annotations

from gbstd.coverage import ModuleNode
from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.module_base import ModuleRule


def _empty(node: ModuleNode) -> bool:
    return node.total.in_force == 0 and node.total.abolished == 0


class ModuleGap(ModuleRule):
    """体系模块没有标准（缺口） / a module of the standard system has no standard

    What it does:
        Reports each module of `system.yaml` whose subtree holds no standard in force (nor any abolished
        one: that case is S002). Only the top-most empty module of a branch is reported. Standards that are
        published but not yet in force (即将实施) and projects in progress are named in the message: they
        will close the gap. The default severity is warning; make gaps errors with
        `[lint] severity = {S001 = "error"}` in `gbstd.toml`.

    Why it matters:
        A standard system is meant to cover every area of the work (GB/T 13016, 标准体系构建原则和要求:
        completeness). Gaps hurt where work is risky: 安保, 消防 and 应急 without standards when needed. A gap in the map is a plan for the
        next 立项, not a detail.

    Example:
        - id: "305"
          name: 应急保障        # no record has module: "305"

    Use instead:
        file a project (projects/XM-2026-001.yaml with module: "305"), adopt an upper-tier standard into
        the module, or remove the module if the work does not exist here
    """

    code = "S001"
    name = "module-gap"
    summary = Text("体系模块没有标准（缺口）", "a module of the standard system has no standard")
    severity = Severity.WARNING

    def matches(self, node: ModuleNode) -> bool:
        return _empty(node)

    def message(self, node: ModuleNode, coming: Text | None) -> Text:
        hint = Text(f"（{coming.zh}）", f" ({coming.en})") if coming else Text("", "")
        return Text(
            f"模块 {node.id} {node.module.name} 没有现行标准{hint.zh}",
            f"module {node.id} {node.module.name} has no standard in force{hint.en}",
        )

"""S002 module-dead: a module whose standards are all abolished or zombies."""

from __future__ import annotations

from gbstd.coverage import ModuleNode
from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.module_base import ModuleRule


def _dead(node: ModuleNode) -> bool:
    """Standards there, but none alive: each is abolished or a zombie (in force only on paper)."""
    total = node.total
    return total.abolished + total.zombies > 0 and total.in_force == total.zombies

class ModuleDead(ModuleRule):
    """模块的标准均已废止或为僵尸标准 / every standard of a module is abolished or a zombie

    What it does:
        Reports each module of `system.yaml` that holds standards, none of them alive: every one has been
        abolished, or is a zombie (僵尸标准: in force past its review period with neither a review nor any
        implementation evidence, see R007). Only the top-most such module of a branch is reported;
        upcoming standards and projects in progress are named in the message.

    Why it matters:
        A module that looks filled in the catalog but has nothing in force is a gap in disguise: counting
        its records (重数量轻质量) hides that the work there follows no standard today.

    Example:
        module 201 holds only JGJ 67-2006 (废止, replaced by JGJ/T 67-2019 filed under module 205)

    Use instead:
        file the successor under the same module, or start a project to replace the abolished standard
    """

    code = "S002"
    name = "module-dead"
    summary = Text("模块的标准均已废止或为僵尸标准", "every standard of a module is abolished or a zombie")
    severity = Severity.WARNING

    def matches(self, node: ModuleNode) -> bool:
        return _dead(node)

    def message(self, node: ModuleNode, coming: Text | None) -> Text:
        hint = Text(f"；{coming.zh}", f"; {coming.en}") if coming else Text("", "")
        return Text(
            f"模块 {node.id} {node.module.name} 没有有效实施的标准（废止 {node.total.abolished} 项，"
            f"僵尸标准 {node.total.zombies} 项）{hint.zh}",
            f"module {node.id} {node.module.name} has no standard alive ({node.total.abolished} "
            f"abolished, {node.total.zombies} zombies){hint.en}",
        )

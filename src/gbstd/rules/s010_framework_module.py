"""S010 framework-module: a federation member's record filed under a module the federating system lacks."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Catalog, MemberInfo, Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.system import StandardSystem
from gbstd.rules.base import RecordRule, RuleContext


class FrameworkModule(RecordRule):
    """成员记录的模块不在联合目录的体系框架中 / a member's module is not in the federating system

    What it does:
        In a federation (`[[federation.members]]`) whose catalog has a standard system, reports each member
        record filed under a module of the member's own system that the federating system does not have,
        when the member's system declares `adopted_from` (it adopts the federating framework) and the module
        is not marked `extension: true` (nor is a module above it). Modules unknown to the member's own system
        are C016's.

    Why it matters:
        A province that adopts the national framework files its standards under the framework's numbers, so
        the national view counts them per module (全国一张网). A module that is neither the framework's nor
        declared a local extension is a numbering drift: its standards fall out of every national figure.

    Example:
        河南/system.yaml (adopted_from: 国家框架) has module 205 (not an extension); the national system has no 205

    Use instead:
        file the standard under the framework's module, or mark module 205 `extension: true` in the member's system
    """

    code = "S010"
    local = True  # reads only this record, the member's system and the federating system
    name = "framework-module"
    summary = Text("成员记录的模块不在联合目录的体系框架中", "a member's module is not in the federating system")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.catalog.system is None or not ctx.catalog.members:
            return
        yield from super().check(ctx)

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        catalog, module = ctx.catalog, record.standard.module
        info = _member(catalog, record)
        if module is None or info is None or info.system is None or not info.system.adopted_from:
            return
        if module in catalog.modules or module not in catalog.modules_of(record):
            return  # in the framework; or unknown to the member's own system (C016)
        if _extension(info.system, module):
            return
        framework = catalog.system.name if catalog.system else ""
        yield self.at(record, Text(
            f"体系编号 {module} 不在联合目录的标准体系 {framework} 中；成员 {info.name} 的体系声明采用 "
            f"{info.system.adopted_from}，但未将 {module} 标为本地扩展（extension: true）",
            f"module {module} is not in the federating system {framework}; member {info.name}'s system adopts "
            f"{info.system.adopted_from} but does not mark {module} as a local extension (extension: true)",
        ), ("module",), key=False)


def _member(catalog: Catalog, record: Record) -> MemberInfo | None:
    return next((info for info in catalog.members if info.name == record.member), None) if record.member else None


def _extension(system: StandardSystem, module: str) -> bool:
    """``module`` or a module above it is marked a local extension in ``system``."""
    modules, parents = system.module_ids(), system.parents()
    current: str | None = module
    while current is not None:
        if current in modules and modules[current].extension:
            return True
        current = parents.get(current)
    return False

"""C016 module: the record's 体系编号 is missing or not a module of the standard system."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import module_spelling
from gbstd.rules.base import RecordRule, RuleContext


def respell_module(module: str, spelled: str) -> Text:
    """Why a module written ``module`` (２０３) should be ``spelled`` (:func:`module_spelling`): a record's
    (C016) or a project's (S008)."""
    return Text(f"体系编号 {module!r} 应写作半角的 {spelled!r}（否则不计入该模块）",
                f"module {module!r} should be written {spelled!r} in ASCII (else it is not counted under that module)")


class ModuleMembership(RecordRule):
    """体系编号缺失或不存在 / module missing or unknown

    What it does:
        When the catalog has a standard system (`system.yaml`), every record must name one of its modules
        in `module`, spelled as the system spells it (a module in fullwidth digits, `２０３`, is reported
        with its ASCII spelling; `gbstd import` writes it so). In a federation, a member's record is judged
        by the member's own system when it has one (S010 compares it with the federating system), else by
        the federating catalog's.

    Why it matters:
        The standard system is the map of the work; a standard outside it is not counted per module in
        the bulletin and leaves coverage gaps invisible.

    Example:
        module: "299"     # no module 299 in system.yaml

    Use instead:
        module: "202"     # 公务用车
    """

    code = "C016"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "module"
    summary = Text("体系编号缺失或不存在", "module missing or unknown")

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        modules = ctx.catalog.modules_of(record)
        if not modules:
            return
        module = record.standard.module
        if module is None:
            yield self.at(record, Text("缺少体系编号 `module`", "no `module` (体系编号) given"), ())
        elif (spelled := module_spelling(module)) != module and spelled in modules:
            # a known module in fullwidth digits (２０３): no report or figure counts it under 203 until respelled
            yield self.at(record, respell_module(module, spelled), ("module",), key=False)
        elif module not in modules:
            known = sorted(modules)[:12]
            yield self.at(record, Text(f"体系编号 {module} 不在标准体系中（已有：{'、'.join(known)}…）",
                                       f"module {module} is not in the standard system (known: {', '.join(known)}…)"),
                          ("module",), key=False)

"""S008 project-identity: a project's file name, id, module or result code is wrong."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from gbstd.catalog.catalog import ProjectRecord
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.standard import module_spelling
from gbstd.rules.base import Rule, RuleContext
from gbstd.rules.c016_module import respell_module


class ProjectIdentity(Rule):
    """项目编号、文件名、模块或标准号有误 / a project's id, file name, module or result code is wrong

    What it does:
        For every file in `projects/`: the file name must be the id (`XM-2025-001.yaml`), ids must be
        unique, `module` must name a module of `system.yaml` (when the catalog has one), spelled as the system
        spells it (`３０４` in fullwidth digits is reported with its ASCII spelling, as C016 does), and `result` —
        the code the standard was published under — must be a valid code.

    Why it matters:
        The project id is how a published standard's `making.project`, bulletins and reviewers find the
        project; a project outside the system is invisible in the per-module counts and gap checks.

    Example:
        projects/draft.yaml  containing  id: XM-2025-001, module: "399"

    Use instead:
        projects/XM-2025-001.yaml  with  module: "304"
    """

    code = "S008"
    reads = frozenset({"code"})  # projects only (never empty: a record added or removed still re-runs it)
    on_records = False  # findings in project files only
    name = "project-identity"
    summary = Text(
        "项目编号、文件名、模块或标准号有误", "a project's id, file name, module or result code is wrong"
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        by_id: dict[str, list[ProjectRecord]] = defaultdict(list)
        modules = ctx.catalog.modules
        for entry in ctx.catalog.projects:
            project = entry.project
            by_id[project.id].append(entry)
            name = PurePosixPath(entry.rel).name
            if name not in (f"{project.id}.yaml", f"{project.id}.yml"):
                yield self.at_project(
                    entry,
                    Text(
                        f"文件名应为 {project.id}.yaml（由项目编号得出）",
                        f"file should be named {project.id}.yaml (from the id)",
                    ),
                    ("id",),
                    key=False,
                )
            if modules:
                if project.module is None:
                    yield self.at_project(
                        entry, Text("缺少体系编号 `module`", "no `module` (体系编号) given"), ()
                    )
                elif (spelled := module_spelling(project.module)) != project.module and spelled in modules:
                    # ３０４ typed with a Chinese input method: module 304 once respelled, as C016 says of a record
                    yield self.at_project(entry, respell_module(project.module, spelled), ("module",), key=False)
                elif project.module not in modules:
                    yield self.at_project(
                        entry,
                        Text(
                            f"体系编号 {project.module} 不在标准体系中",
                            f"module {project.module} is not in the standard system",
                        ),
                        ("module",),
                        key=False,
                    )
            if project.result and ctx.catalog.resolve(project.result) is None:
                yield self.at_project(
                    entry,
                    Text(
                        f"result 中的 {project.result} 不是有效的标准号",
                        f"{project.result} in result is not a valid standard code",
                    ),
                    ("result",),
                    key=False,
                )
        for project_id, entries in by_id.items():
            if len(entries) > 1:
                for entry in entries:
                    others = ", ".join(e.rel for e in entries if e is not entry)
                    yield self.at_project(
                        entry,
                        Text(
                            f"项目编号 {project_id} 重复（另见 {others}）",
                            f"project id {project_id} is used twice (also {others})",
                        ),
                        ("id",),
                        key=False,
                    )

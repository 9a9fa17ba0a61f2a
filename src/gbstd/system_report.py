"""The standard system and the pipeline as text for people: a terminal tree, Markdown tables.

Shared by ``gbstd system`` / ``gbstd pipeline`` and by reports that embed the same tables.
"""

from __future__ import annotations

from rich.tree import Tree

from gbstd.coverage import Counts, ModuleNode, SystemSummary
from gbstd.i18n import Lang, Text
from gbstd.model.making import Stage
from gbstd.pipeline import ProjectState
from gbstd.tabular.safety import markdown_text

COLUMNS = (
    Text("现行", "in force"), Text("即将实施", "upcoming"), Text("废止", "abolished"),
    Text("在研", "in progress"), Text("逾期复审", "overdue reviews"), Text("僵尸标准", "zombies"),
)  # fmt: skip


def _values(counts: Counts) -> list[str]:
    values = [counts.in_force, counts.upcoming, counts.abolished, counts.in_progress, counts.overdue_reviews,
              counts.zombies]  # fmt: skip
    return [str(v) for v in values]


def _counts_text(counts: Counts, lang: Lang) -> str:
    values = _values(counts)
    labels = COLUMNS
    return " · ".join(f"{label.get(lang)} {value}" for label, value in zip(labels, values, strict=True))


def _mark(node: ModuleNode, lang: Lang) -> str:
    if node.total.in_force:
        return ""
    if node.total.abolished:
        return " [grey50][" + Text("仅有废止", "only abolished").get(lang) + "][/]"
    return " [bold red][" + Text("缺口", "gap").get(lang) + "][/]"


def system_tree(summary: SystemSummary, lang: Lang = "zh") -> Tree:
    """A rich Tree: one line per module with its subtree counts; gaps marked."""
    head = summary.name or Text("标准体系", "standard system").get(lang)
    tree = Tree(f"[bold]{head}[/]  {_counts_text(summary.overall, lang)}")
    if summary.adopted_from:
        tree.add(f"[dim]{Text('依据', 'based on').get(lang)}: {summary.adopted_from}[/]")

    def add(branch: Tree, node: ModuleNode) -> None:
        name = node.module.name_en if lang == "en" and node.module.name_en else node.module.name
        ext = " [dim](" + Text("扩展", "extension").get(lang) + ")[/]" if node.module.extension else ""
        child = branch.add(
            f"[bold]{node.id}[/] {name}{ext}  "
            f"{_counts_text(node.total, lang)}{_mark(node, lang)}"
        )
        for sub in node.children:
            add(child, sub)

    for root in summary.roots:
        add(tree, root)
    if summary.unassigned.records or summary.unassigned.projects:
        tree.add(
            f"[yellow]{Text('未归类', 'no module').get(lang)}[/]  "
            f"{_counts_text(summary.unassigned.own, lang)}"
        )
    return tree


def system_markdown(summary: SystemSummary, lang: Lang = "zh") -> str:
    """The system as a Markdown table, sub-modules indented; counts are for the whole subtree."""
    columns = COLUMNS
    header = [Text("体系编号", "module"), Text("名称", "name"), *columns]
    lines = [
        f"# {markdown_text(summary.name)}" if summary.name else "# " + Text("标准体系", "Standard system").get(lang),
        "",
        Text(f"截至 {summary.as_of}。", f"As of {summary.as_of}.").get(lang)
        + (f" {Text('依据', 'Based on').get(lang)}: {summary.adopted_from}" if summary.adopted_from else ""),
        "",
        "| " + " | ".join(h.get(lang) for h in header) + " |",
        "|" + "---|" * 2 + "---:|" * len(columns),
    ]
    for node in summary.nodes():
        name = node.module.name_en if lang == "en" and node.module.name_en else node.module.name
        indent = "\u3000" * node.depth
        flag = (
            ""
            if node.total.in_force
            else (
                " ⚠ " + Text("缺口", "gap").get(lang)
                if not node.total.abolished
                else " ⚠ " + Text("仅有废止", "only abolished").get(lang)
            )
        )
        lines.append(
            f"| {indent}{markdown_text(node.id)} | {markdown_text(name)}{flag} | "
            + " | ".join(_values(node.total))
            + " |"
        )
    if summary.unassigned.records or summary.unassigned.projects:
        lines.append(
            f"| — | {Text('未归类', 'no module').get(lang)} | "
            + " | ".join(_values(summary.unassigned.own))
            + " |"
        )
    lines.append(
        f"| | **{Text('合计', 'total').get(lang)}** | "
        + " | ".join(_values(summary.overall))
        + " |"
    )
    return "\n".join(lines) + "\n"


def _state_row(state: ProjectState, lang: Lang) -> list[str]:
    project = state.entry.project
    if state.withdrawn:
        status = Text(f"已终止 {project.withdrawn}", f"withdrawn {project.withdrawn}").get(lang)
    elif state.stalled:
        status = Text("停滞", "stalled").get(lang)
    elif state.stage is Stage.PUBLICATION:
        status = project.result or ""
    else:
        status = ""
    return [
        stage_heading(state.stage, state.withdrawn, lang), project.id, project.title,
        project.tier.label.get(lang), project.region or "", project.module or "",
        str(state.since or ""), str(state.months_in_stage) if state.active else "",
        str(state.stall_limit) if state.active else "", status,
    ]  # fmt: skip


PIPELINE_COLUMNS = (
    Text("阶段", "stage"), Text("项目编号", "id"), Text("名称", "title"), Text("层级", "tier"),
    Text("地区", "region"), Text("模块", "module"), Text("阶段起始", "since"), Text("月数", "months"),
    Text("上限", "limit"),
    Text("状态", "status"),
)  # fmt: skip


def stage_heading(stage: Stage | None, withdrawn: bool, lang: Lang) -> str:
    if withdrawn:
        return Text("已终止", "withdrawn").get(lang)
    if stage is None:
        return Text("尚未申报", "not yet proposed").get(lang)
    return stage.label.get(lang) if lang == "en" else stage.value


def group_states(states: list[ProjectState]) -> list[tuple[Stage | None, bool, list[ProjectState]]]:
    """States grouped by (stage, withdrawn) in process order, withdrawn last."""
    groups: dict[tuple[Stage | None, bool], list[ProjectState]] = {}
    for state in states:
        groups.setdefault((state.stage, state.withdrawn), []).append(state)
    order = sorted(groups, key=lambda k: (k[1], k[0].order if k[0] else -1))
    return [(stage, withdrawn, groups[(stage, withdrawn)]) for stage, withdrawn in order]


def pipeline_rows(states: list[ProjectState], lang: Lang) -> list[list[str]]:
    return [_state_row(state, lang) for state in states]


def pipeline_markdown(states: list[ProjectState], lang: Lang = "zh") -> str:
    """Projects as one Markdown table in process order (withdrawn last)."""
    lines = [
        "| " + " | ".join(c.get(lang) for c in PIPELINE_COLUMNS) + " |",
        "|" + "---|" * 7 + "---:|" * 2 + "---|",
    ]
    for _stage, _withdrawn, members in group_states(states):
        for row in pipeline_rows(members, lang):
            lines.append("| " + " | ".join(markdown_text(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"

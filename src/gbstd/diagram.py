"""The framework diagram (标准体系框架图): the module tree with counts, as SVG or PNG.

A library call, so that ``gbstd system --diagram``, the reports and the site embed the same picture.
Each box shows a module's number, name and counts; gaps (no standard in force) are red, modules whose
standards are all abolished grey, and local extensions of the adopted framework have a dashed border.

Two renderers: gbstd's own (:mod:`gbstd.diagram_layout`: lays the tree out itself, SVG with text as text,
PNG through matplotlib with the CJK font gbstd ships) needs nothing beyond ``pip install``; Graphviz
``dot``, when it is on the PATH, is used instead by default for its nicer layout (it needs a CJK font known
to fontconfig for PNG, e.g. Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Literal

import graphviz

from gbstd import diagram_layout
from gbstd.catalog.atomic import write_output
from gbstd.coverage import ModuleNode, SystemSummary
from gbstd.i18n import Lang, Text

DiagramFormat = Literal["svg", "png"]
Renderer = Literal["auto", "builtin", "graphviz"]
FONT = "Noto Sans CJK SC"
_INSTALL = "apt-get install graphviz fonts-noto-cjk"
_GAP, _DEAD, _OK, _ROOT = diagram_layout.GAP, diagram_layout.DEAD, diagram_layout.OK, diagram_layout.ROOT


class DiagramError(Exception):
    """The diagram could not be drawn (Graphviz missing or failing)."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


_counts_line = diagram_layout.counts_line


def _label(node: ModuleNode, lang: Lang) -> str:
    name = node.module.name_en if lang == "en" and node.module.name_en else node.module.name
    return (
        f"<<b>{html.escape(node.id)}</b><br/>{html.escape(name)}<br/>"
        f'<font point-size="9">{html.escape(_counts_line(node, lang))}</font>>'
    )


_colours = diagram_layout.colours


def build_graph(summary: SystemSummary, lang: Lang = "zh", heading: bool = True) -> graphviz.Digraph:
    """The diagram as a Graphviz graph (``.source`` is the DOT text); ``heading``: draw the title above it."""
    graph = graphviz.Digraph(
        "standard_system",
        graph_attr={
            "rankdir": "LR", "nodesep": "0.2", "ranksep": "0.6", "fontname": FONT,
            "label": _heading(summary, lang, heading), "labelloc": "t", "fontsize": "16",
        },
        node_attr={
            "shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": "11",
            "margin": "0.12,0.06",
        },
        edge_attr={"arrowhead": "none", "color": "#888888"},
    )  # fmt: skip
    fill, line = _ROOT
    overall = summary.overall
    root_counts = (
        f"in force {overall.in_force} · in progress {overall.in_progress}"
        if lang == "en"
        else f"现行 {overall.in_force} · 在研 {overall.in_progress}"
    )
    graph.node(
        "root",
        f'<<b>{html.escape(summary.name)}</b><br/><font point-size="9">{html.escape(root_counts)}</font>>',
        fillcolor=fill,
        color=line,
        penwidth="1.5",
    )

    def add(node: ModuleNode, parent: str) -> None:
        key = f"m_{node.id}"
        fill, line = _colours(node)
        style = "rounded,filled,dashed" if node.module.extension else "rounded,filled"
        graph.node(key, _label(node, lang), fillcolor=fill, color=line, style=style)
        graph.edge(parent, key)
        for child in node.children:
            add(child, key)

    for root in summary.roots:
        add(root, "root")
    return graph


def _heading(summary: SystemSummary, lang: Lang, title_line: bool = True) -> str:
    """The graph's label: the title (unless left out), what the system adopts, and a legend row."""
    day = summary.as_of.isoformat()
    title = f"{summary.name} — framework as of {day}" if lang == "en" else f"{summary.name} 框架图（{day}）"
    rows = [f'<tr><td colspan="4"><font point-size="16"><b>{html.escape(title)}</b></font></td></tr>'] if title_line else []
    if summary.adopted_from:
        based = f"based on {summary.adopted_from}" if lang == "en" else f"依据：{summary.adopted_from}"
        rows.append(f'<tr><td colspan="4"><font point-size="10">{html.escape(based)}</font></td></tr>')
    legend = [(fill, ' style="dashed"' if dashed else "", text) for fill, dashed, text in diagram_layout.legend_entries()]
    cells = "".join(
        f'<td bgcolor="{fill}" color="{line}" border="1"{style}>'
        f'<font point-size="9">{html.escape(text.get(lang))}</font></td>'
        for (fill, line), style, text in legend
    )
    rows.append(f"<tr>{cells}</tr>")
    return f'<<table border="0" cellspacing="4" cellpadding="3">{"".join(rows)}</table>>'


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def render_diagram(
    summary: SystemSummary, fmt: DiagramFormat = "svg", lang: Lang = "zh", renderer: Renderer = "auto",
    heading: bool = True,
) -> bytes:
    """The diagram as SVG or PNG bytes: by Graphviz where ``dot`` is installed (``auto``), else by gbstd.

    ``heading=False`` leaves out the title, for a figure whose caption already says it (the bulletin).
    """
    if not summary.roots:
        raise DiagramError(
            Text(
                "标准体系为空（没有 system.yaml 或没有模块）",
                "the standard system is empty (no system.yaml or no modules)",
            )
        )
    if renderer == "builtin" or (renderer == "auto" and not graphviz_available()):
        return diagram_layout.render(summary, fmt, lang, heading)
    graph = build_graph(summary, lang, heading)
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise DiagramError(
            Text(
                f"找不到 Graphviz 的 dot 程序；请安装 Graphviz（Debian/Ubuntu：{_INSTALL}）",
                f"Graphviz `dot` not found; install Graphviz (Debian/Ubuntu: {_INSTALL})",
            )
        ) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise DiagramError(Text(f"Graphviz 绘图失败：{detail}", f"Graphviz failed: {detail}")) from None


def write_diagram(
    summary: SystemSummary, path: Path, lang: Lang = "zh", renderer: Renderer = "auto"
) -> DiagramFormat:
    """Draw the diagram into ``path``; the format follows the suffix (.svg or .png)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("svg", "png"):
        raise DiagramError(
            Text(
                f"图的文件名应以 .svg 或 .png 结尾：{path}",
                f"the diagram file must end in .svg or .png: {path}",
            )
        )
    fmt: DiagramFormat = "svg" if suffix == "svg" else "png"
    write_output(path, render_diagram(summary, fmt, lang, renderer))
    return fmt

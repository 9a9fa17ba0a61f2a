"""The framework diagram drawn without Graphviz: the module tree laid out here, written as SVG or as PNG.

Left to right like Graphviz's ``rankdir=LR``: the system's name, then one column per level of modules. Every
leaf takes its own row and a parent sits level with the middle of its children, so no boxes or lines cross.
Box widths come from the text: CJK characters are one em wide, others about 0.6 em (a font-independent
estimate with some padding, so the SVG fits whatever CJK font the browser picks). SVG keeps text as text,
escaped; PNG is drawn by matplotlib with the CJK font of :mod:`gbstd.fonts`, so no system package is needed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from io import BytesIO

from gbstd.coverage import ModuleNode, SystemSummary
from gbstd.fonts import find_cjk_font
from gbstd.i18n import Lang, Text
from gbstd.printable import printable

FONT_FAMILY = "Noto Sans SC, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
GAP = ("#fdecea", "#c0392b")
DEAD = ("#eeeeee", "#7f8c8d")
OK = ("#eaf4fb", "#2c7fb8")
ROOT = ("#ffffff", "#333333")
EDGE = "#888888"
# Sizes in px at 100 per inch (the PNG is drawn at 150 dpi, so 1 px here is 1.5 pixels there). The smallest
# text, the counts line, stays at SMALL_TEXT so that labels read without zooming; boxes and the canvas grow
# with the text and the number of modules, never the other way round.
HEADING_TEXT, SUBHEADING_TEXT, ROOT_TEXT, NAME_TEXT, SMALL_TEXT = 18.0, 12.0, 15.0, 13.0, 11.0
PAD_X, PAD_Y, LINE_GAP = 14.0, 8.0, 5.0
COLUMN_GAP, ROW_GAP, MARGIN = 48.0, 14.0, 20.0


def text_width(text: str, size: float) -> float:
    """Estimated width in px: full width for CJK and full-width forms, 0.6 em for the rest."""
    return sum(size if ord(char) >= 0x2E80 else 0.6 * size for char in text)


@dataclass
class Line:
    text: str
    size: float
    bold: bool = False

    def __post_init__(self) -> None:
        # one line of a box: no line break, and no control character a font has no glyph for (a \v in a
        # module name made matplotlib warn on the console)
        self.text = " ".join(printable(self.text).split("\n")).replace("\t", " ")


@dataclass
class Box:
    lines: list[Line]
    colours: tuple[str, str]
    dashed: bool = False
    children: list[Box] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0  # top
    width: float = 0.0

    @property
    def height(self) -> float:
        return sum(line.size for line in self.lines) + LINE_GAP * (len(self.lines) - 1) + 2 * PAD_Y

    @property
    def natural_width(self) -> float:
        return max(text_width(line.text, line.size) for line in self.lines) + 2 * PAD_X

    def walk(self) -> list[Box]:
        return [self, *(box for child in self.children for box in child.walk())]


@dataclass
class Layout:
    width: float
    height: float
    heading: list[Line]
    legend: list[tuple[tuple[str, str], bool, str, float, float, float]]  # colours, dashed, text, x, y, width
    legend_height: float
    root: Box


def counts_line(node: ModuleNode, lang: Lang) -> str:
    total = node.total
    if lang == "en":
        parts = [f"in force {total.in_force}", f"upcoming {total.upcoming}", f"abolished {total.abolished}",
                 f"in progress {total.in_progress}"]  # fmt: skip
    else:
        parts = [f"现行 {total.in_force}", f"即将 {total.upcoming}", f"废止 {total.abolished}",
                 f"在研 {total.in_progress}"]  # fmt: skip
    if total.overdue_reviews:
        parts.append(f"overdue {total.overdue_reviews}" if lang == "en" else f"逾期复审 {total.overdue_reviews}")
    return " · ".join(parts)


def colours(node: ModuleNode) -> tuple[str, str]:
    if node.total.in_force == 0:
        return DEAD if node.total.abolished and not node.total.upcoming else GAP
    return OK


def legend_entries() -> list[tuple[tuple[str, str], bool, Text]]:
    return [
        (OK, False, Text("有现行标准", "has standards in force")),
        (GAP, False, Text("缺口：无现行标准", "gap: nothing in force")),
        (DEAD, False, Text("仅有废止标准", "only abolished standards")),
        (OK, True, Text("本地扩展模块", "local extension")),
    ]


def _box(node: ModuleNode, lang: Lang) -> Box:
    name = node.module.name_en if lang == "en" and node.module.name_en else node.module.name
    lines = [Line(node.id, NAME_TEXT, bold=True), Line(name, NAME_TEXT), Line(counts_line(node, lang), SMALL_TEXT)]
    return Box(lines, colours(node), node.module.extension, [_box(child, lang) for child in node.children])


def layout(summary: SystemSummary, lang: Lang = "zh", heading: bool = True) -> Layout:
    """The tree laid out; without ``heading`` (a figure with a caption of its own) no title line is drawn."""
    overall = summary.overall
    root_counts = (f"in force {overall.in_force} · in progress {overall.in_progress}" if lang == "en"
                   else f"现行 {overall.in_force} · 在研 {overall.in_progress}")  # fmt: skip
    root = Box([Line(summary.name, ROOT_TEXT, bold=True), Line(root_counts, SMALL_TEXT)], ROOT,
               children=[_box(node, lang) for node in summary.roots])  # fmt: skip
    day = summary.as_of.isoformat()
    title = [Line(f"{summary.name} — framework as of {day}" if lang == "en" else f"{summary.name} 框架图（{day}）",
                  HEADING_TEXT, bold=True)]  # fmt: skip
    heading_lines = title if heading else []
    if summary.adopted_from:
        based = f"based on {summary.adopted_from}" if lang == "en" else f"依据：{summary.adopted_from}"
        heading_lines.append(Line(based, SUBHEADING_TEXT))
    top = MARGIN + sum(line.size + 8 for line in heading_lines)
    legend, x = [], MARGIN
    for fill, dashed, text in legend_entries():
        label = text.get(lang)
        width = text_width(label, SMALL_TEXT) + 2 * PAD_X
        legend.append((fill, dashed, label, x, top, width))
        x += width + 8
    legend_height = SMALL_TEXT + 2 * PAD_Y
    # Columns: every level as wide as its widest box.
    levels: list[list[Box]] = []

    def collect(box: Box, depth: int) -> None:
        if len(levels) <= depth:
            levels.append([])
        levels[depth].append(box)
        for child in box.children:
            collect(child, depth + 1)

    collect(root, 0)
    x = MARGIN
    for column in levels:
        width = max(box.natural_width for box in column)
        for box in column:
            box.x, box.width = x, width
        x += width + COLUMN_GAP
    cursor = top + legend_height + 2 * ROW_GAP

    def place(box: Box) -> None:
        nonlocal cursor
        if not box.children:
            box.y = cursor
            cursor += box.height + ROW_GAP
            return
        for child in box.children:
            place(child)
        first, last = box.children[0], box.children[-1]
        middle = (first.y + first.height / 2 + last.y + last.height / 2) / 2
        box.y = middle - box.height / 2

    place(root)
    boxes = root.walk()
    width = max(x - COLUMN_GAP + MARGIN, max(entry[3] + entry[5] for entry in legend) + MARGIN,
                max((text_width(line.text, line.size) for line in heading_lines), default=0) + 2 * MARGIN)  # fmt: skip
    height = max(box.y + box.height for box in boxes) + MARGIN
    return Layout(width, height, heading_lines, legend, legend_height, root)


def _edges(root: Box) -> list[list[tuple[float, float]]]:
    """Elbow lines from each parent's right side to its children's left sides."""
    paths = []
    for box in root.walk():
        for child in box.children:
            x1, y1 = box.x + box.width, box.y + box.height / 2
            x2, y2 = child.x, child.y + child.height / 2
            middle = x1 + (x2 - x1) / 2
            paths.append([(x1, y1), (middle, y1), (middle, y2), (x2, y2)])
    return paths


def _line_centres(box: Box) -> list[float]:
    y, centres = box.y + PAD_Y, []
    for line in box.lines:
        centres.append(y + line.size / 2)
        y += line.size + LINE_GAP
    return centres


def _heading_centres(lay: Layout) -> list[float]:
    y, centres = MARGIN, []
    for line in lay.heading:
        centres.append(y + line.size / 2)
        y += line.size + 8
    return centres


def to_svg(lay: Layout) -> bytes:
    def text(x: float, y: float, line: Line, anchor: str = "middle") -> str:
        weight = ' font-weight="bold"' if line.bold else ""
        return (f'<text x="{x:.1f}" y="{y + line.size * 0.35:.1f}" font-size="{line.size:g}"{weight} '
                f'text-anchor="{anchor}">{html.escape(line.text)}</text>')  # fmt: skip

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width:.0f}" height="{lay.height:.0f}" '
        f'viewBox="0 0 {lay.width:.1f} {lay.height:.1f}">',
        f'<g font-family="{html.escape(FONT_FAMILY)}" fill="#1b1b1b">',
        f'<rect x="0" y="0" width="{lay.width:.1f}" height="{lay.height:.1f}" fill="#ffffff"/>',
    ]
    for line, centre in zip(lay.heading, _heading_centres(lay), strict=True):
        parts.append(text(MARGIN, centre, line, "start"))
    for (fill, stroke), dashed, label, x, y, width in lay.legend:
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{lay.legend_height:.1f}" '
                     f'fill="{fill}" stroke="{stroke}"{dash}/>')  # fmt: skip
        parts.append(text(x + width / 2, y + lay.legend_height / 2, Line(label, SMALL_TEXT)))
    for path in _edges(lay.root):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{EDGE}"/>')
    for box in lay.root.walk():
        fill, stroke = box.colours
        dash = ' stroke-dasharray="5 3"' if box.dashed else ""
        parts.append(f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" '
                     f'rx="6" fill="{fill}" stroke="{stroke}"{dash}/>')  # fmt: skip
        for line, centre in zip(box.lines, _line_centres(box), strict=True):
            parts.append(text(box.x + box.width / 2, centre, line))
    parts += ["</g>", "</svg>", ""]
    return "\n".join(parts).encode("utf-8")


def to_png(lay: Layout, dpi: int = 150) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Rectangle

    font = find_cjk_font()
    rc = {"font.family": "sans-serif"}
    if font.family:
        rc["font.sans-serif"] = [font.family, "DejaVu Sans"]  # type: ignore[assignment]
    bold = "normal" if font.source == "package" else "bold"  # the shipped font has one weight only
    points = 72 / 100  # the layout is in px at 100 per inch
    with plt.rc_context(rc):
        fig = plt.figure(figsize=(lay.width / 100, lay.height / 100), dpi=dpi)
        try:
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, lay.width)
            ax.set_ylim(lay.height, 0)
            ax.axis("off")

            def text(x: float, y: float, line: Line, align: str = "center") -> None:
                ax.text(x, y, line.text, fontsize=line.size * points, ha=align, va="center",
                        fontweight=bold if line.bold else "normal")  # fmt: skip

            for line, centre in zip(lay.heading, _heading_centres(lay), strict=True):
                text(MARGIN, centre, line, "left")
            for (fill, stroke), dashed, label, x, y, width in lay.legend:
                ax.add_patch(Rectangle((x, y), width, lay.legend_height, facecolor=fill, edgecolor=stroke,
                                       linestyle="--" if dashed else "-", linewidth=0.8))  # fmt: skip
                text(x + width / 2, y + lay.legend_height / 2, Line(label, SMALL_TEXT))
            for path in _edges(lay.root):
                ax.plot([p[0] for p in path], [p[1] for p in path], color=EDGE, linewidth=0.8)
            for box in lay.root.walk():
                fill, stroke = box.colours
                ax.add_patch(FancyBboxPatch((box.x, box.y), box.width, box.height,
                                            boxstyle="round,pad=0,rounding_size=6", facecolor=fill,
                                            edgecolor=stroke, linestyle="--" if box.dashed else "-",
                                            linewidth=1.0))  # fmt: skip
                for line, centre in zip(box.lines, _line_centres(box), strict=True):
                    text(box.x + box.width / 2, centre, line)
            buffer = BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi)
        finally:
            plt.close(fig)
    return buffer.getvalue()


def render(summary: SystemSummary, fmt: str, lang: Lang = "zh", heading: bool = True) -> bytes:
    """The diagram as SVG or PNG bytes, drawn here."""
    lay = layout(summary, lang, heading)
    return to_svg(lay) if fmt == "svg" else to_png(lay)


__all__ = ["Layout", "counts_line", "layout", "render", "text_width", "to_png", "to_svg"]

"""Charts for the bulletin (PNG, via matplotlib), drawn with a CJK font so that Chinese labels show.

The font comes from :mod:`gbstd.fonts`: Noto Sans SC shipped by a Python package, so no system font is needed.
When no CJK font can be had at all, charts are still drawn and the caller gets a note to print next to them,
so nobody mistakes the boxes for a rendering bug of the report.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from gbstd.fonts import CjkFont, find_cjk_font, fontconfig_cjk_files
from gbstd.printable import printable
from gbstd.reports.compose import Chart

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ChartFont = CjkFont  # the name the bulletin and its tests know
_fontconfig_cjk_files = fontconfig_cjk_files


def render_chart(chart: Chart, dpi: int = 150) -> bytes:
    """One chart as PNG bytes: grouped bars, one colour per series, counts written on the bars.

    No title inside the image: every bulletin format prints ``chart.caption`` under it (图注), once.
    """
    key = (chart.name, tuple(chart.labels), tuple((k, tuple(v)) for k, v in chart.series.items()),
           chart.horizontal, dpi)  # fmt: skip
    if key not in _DRAWN:
        if len(_DRAWN) >= 64:
            _DRAWN.clear()
        _DRAWN[key] = _draw(chart, dpi)
    return _DRAWN[key]


# Equal charts draw the same picture: one bulletin in several formats draws each chart once.
_DRAWN: dict[tuple[object, ...], bytes] = {}


def _draw(chart: Chart, dpi: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib import pyplot as plt

    font = find_cjk_font()
    rc = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if font.family:
        rc["font.sans-serif"] = [font.family, "DejaVu Sans"]
    with plt.rc_context(rc):
        rows = max(len(chart.labels), 1)
        size = (7.0, max(2.5, 0.42 * rows + 1.2)) if chart.horizontal else (7.0, 3.6)
        fig, ax = plt.subplots(figsize=size, dpi=dpi)
        try:
            _bars(ax, chart)
            fig.tight_layout()
            buffer = BytesIO()
            fig.savefig(buffer, format="png")
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _bars(ax: Axes, chart: Chart) -> None:
    series = list(chart.series.items())
    count = max(len(series), 1)
    width = 0.8 / count
    positions = range(len(chart.labels))
    colours = ["#b22222", "#4a6fa5", "#6b8e23", "#8b6914"]
    for index, (name, values) in enumerate(series):
        offset = (index - (count - 1) / 2) * width
        places = [p + offset for p in positions]
        if chart.horizontal:
            bars = ax.barh(places, values, height=width, label=name, color=colours[index % 4])
        else:
            bars = ax.bar(places, values, width=width, label=name, color=colours[index % 4])
        ax.bar_label(bars, padding=2, fontsize=8)
    if chart.horizontal:
        ax.set_yticks(list(positions), [printable(label) for label in chart.labels], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlabel("项")
        ax.margins(x=0.12)
    else:
        ax.set_xticks(list(positions), [printable(label) for label in chart.labels], fontsize=9)
        ax.set_ylabel("项")
        ax.margins(y=0.15)
    from matplotlib.ticker import MaxNLocator

    # Counts of standards are whole numbers: no 2.5 on the axis.
    (ax.xaxis if chart.horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1:
        ax.legend(fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def render_charts(charts: list[Chart]) -> dict[str, bytes]:
    """chart name → PNG bytes."""
    return {chart.name: render_chart(chart) for chart in charts}

"""Issue 21 item 19: a chart's title is printed once (the caption, not inside the image), and the framework
PNG sizes itself to its content with labels large enough to read."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from gbstd.catalog.loader import load_catalog
from gbstd.coverage import summarize
from gbstd.diagram_layout import layout, to_png
from gbstd.reports.charts import render_chart
from gbstd.reports.compose import Chart
from tests.issue21_support import SAMPLE, invoke
from tests.test_system import GB, SYSTEM, make_catalog

AS_OF = "2026-11-23"


def test_html_bulletin_prints_each_chart_title_once_as_its_caption(tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "2024H1", "-f", "html", "-o", str(out),
                          "--as-of", AS_OF)  # fmt: skip
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    figures = re.findall(r"<figure[^>]*>(.*?)</figure>", html, re.S)
    assert figures, "the sample bulletin has charts"
    for figure in figures:
        assert figure.count("<img") == 1 and figure.count("<figcaption>") == 1
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
        assert caption and caption.group(1).strip()
        assert html.count(f"<figcaption>{caption.group(1)}</figcaption>") == 1


def test_markdown_bulletin_shows_the_caption_under_each_chart(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "2024H1", "-o", str(out), "--as-of", AS_OF)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    images = re.findall(r"!\[(.+?)\]\((.+?\.png)\)\n\n(.+)\n", text)
    assert images and all(alt == caption for alt, _, caption in images)


def test_charts_are_drawn_without_a_title_inside_the_image(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    titles: list[str] = []
    monkeypatch.setattr(Axes, "set_title", lambda self, label, *a, **k: titles.append(label))
    monkeypatch.setattr(Figure, "suptitle", lambda self, t, *a, **k: titles.append(t))
    chart = Chart(name="untitled-test", caption="图 9 不应画进图里", labels=["国家", "地方"],
                  series={"现行": [3, 5]})  # fmt: skip
    assert render_chart(chart)[:8] == b"\x89PNG\r\n\x1a\n"
    assert titles == []


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_framework_png_grows_with_the_modules_and_keeps_text_readable(tmp_path: Path) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    small = summarize(load_catalog(make_catalog(tmp_path / "small", {"GB-T-42967-2023": GB})), as_of)
    more = SYSTEM.replace(
        '      - id: "102"\n        name: 资产管理\n',
        '      - id: "102"\n        name: 资产管理\n'
        + "".join(f'      - id: "1{n:02d}"\n        name: 模块{n}\n' for n in range(3, 13)),
    )
    large = summarize(
        load_catalog(make_catalog(tmp_path / "large", {"GB-T-42967-2023": GB}, system=more)), as_of
    )
    small_lay, large_lay = layout(small), layout(large)
    small_png, large_png = to_png(small_lay), to_png(large_lay)
    (small_w, small_h), (large_w, large_h) = _png_size(small_png), _png_size(large_png)
    assert large_h > small_h + 10 * 40  # ten more rows, each at least 40 pixels high
    assert Image.open(io.BytesIO(large_png)).size == (large_w, large_h)
    for lay, width in ((small_lay, small_w), (large_lay, large_w)):
        scale = width / lay.width  # image pixels per layout px
        smallest = min(line.size for box in lay.root.walk() for line in box.lines)
        assert smallest * scale >= 15, "the smallest label must be at least 15 pixels high"
        for box in lay.root.walk():  # lines of a box never touch each other or its border
            assert box.height * scale >= sum(line.size for line in box.lines) * scale + 30


def test_the_bulletin_framework_figure_has_no_title_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.diagram import render_diagram

    monkeypatch.setattr("gbstd.diagram.graphviz_available", lambda: False)  # compare with gbstd's own drawing

    summary = summarize(
        load_catalog(make_catalog(tmp_path, {"GB-T-42967-2023": GB})), dt.date.fromisoformat(AS_OF)
    )
    titled, bare = layout(summary), layout(summary, heading=False)
    assert any("框架图" in line.text for line in titled.heading)
    assert not any("框架图" in line.text for line in bare.heading) and bare.height < titled.height
    svg = render_diagram(summary, "svg", renderer="builtin", heading=False).decode("utf-8")
    assert "框架图" not in svg and "公务用车" in svg
    # the bulletin draws its figure 4 without the title: the caption under it says 标准体系框架图
    from gbstd.reports.sources import framework_diagram

    diagram = framework_diagram(load_catalog(SAMPLE), dt.date.fromisoformat(AS_OF))
    builtin = to_png(layout(summarize(load_catalog(SAMPLE), dt.date.fromisoformat(AS_OF)), heading=False))
    assert getattr(diagram, "png", None) == builtin

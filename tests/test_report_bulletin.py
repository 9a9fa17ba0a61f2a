"""The bulletin: hand-counted figures for 2023H2, notes merging and placeholders, formats, errors."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.reports.compose import compose
from gbstd.reports.figures import compute_bulletin
from gbstd.reports.period import PeriodError, parse_period
from tests.conftest import CatalogFactory, record

runner = CliRunner()
AS_OF = "2026-01-01"
HAS_DOT = True  # the framework diagram is always drawn: by Graphviz where installed, else by gbstd itself

SYSTEM = """\
name: 测试体系
modules:
  - id: "100"
    name: 基础
    modules:
      - {id: "101", name: 基础通用}
  - id: "200"
    name: 管理
    modules:
      - {id: "201", name: 办公用房}
      - {id: "202", name: 公务用车}
  - id: "300"
    name: 服务
    modules:
      - {id: "301", name: 物业服务}
      - {id: "302", name: 机关食堂}
      - {id: "303", name: 会议服务}
"""

# Ten records around the edges of 2023H2 (2023-07-01 … 2023-12-31). Hand count, as of 2026-01-01:
#   published  5: GB/T 90001 (07-01, edge), DB41/T 9001 (12-31, edge), DB4103/T 9002, DB32/T 9003, HNJGSW 9005
#   effective  4: GB/T 90002 (07-01, edge), DB4103/T 9002, DB32/T 9003, HNJGSW 9005
#   abolished  1: DB32/T 9004 (2023-10-01)
#   in force at 2023-12-31  6: GB/T 90002, DB4103/T 9002, DB32/T 9003, HNJGSW 9005, JGJ/T 9007, DB41/T 9008
#   undated (no published date): DB41/T 9008-2020 — effective 2020-05-01, so published by then: not this period's
FIXTURE = {
    "system.yaml": SYSTEM,
    "records/GB-T-90001-2023.yaml": record("GB/T 90001-2023", "机关事务管理 基础术语", "现行", published="2023-07-01",
                                           effective="2024-01-01", module='"101"'),
    "records/GB-T-90002-2023.yaml": record("GB/T 90002-2023", "机关事务标准体系", "现行", published="2023-06-30",
                                           effective="2023-07-01", module='"101"'),
    "records/DB41-T-9001-2023.yaml": record("DB41/T 9001-2023", "公务用车配备规范", "现行", published="2023-12-31",
                                            effective="2024-01-31", module='"202"'),
    "records/DB4103-T-9002-2023.yaml": record("DB4103/T 9002-2023", "公务用车运行维护规范", "现行",
                                              published="2023-08-01", effective="2023-09-01", module='"202"'),
    "records/DB32-T-9003-2023.yaml": record("DB32/T 9003-2023", "机关物业服务规范", "现行", published="2023-09-01",
                                            effective="2023-10-01", module='"301"', replaces=["DB32/T 9004-2019"]),
    "records/DB32-T-9004-2019.yaml": record("DB32/T 9004-2019", "机关物业服务规范", "废止", published="2019-03-01",
                                            effective="2019-04-01", abolished="2023-10-01", module='"301"',
                                            replaced_by=["DB32/T 9003-2023"]),
    "records/HNJGSW-9005-2023.yaml": record("HNJGSW 9005-2023", "机关食堂服务规范", "现行", published="2023-07-15",
                                            effective="2023-08-01", module='"302"'),
    "records/T-CAGA-9006-2024.yaml": record("T/CAGA 9006-2024", "会议服务规范", "现行", published="2024-01-01",
                                            effective="2024-02-01", module='"303"'),
    "records/JGJ-T-9007-2010.yaml": record("JGJ/T 9007-2010", "办公建筑设计规范", "现行", published="2010-01-01",
                                           effective="2010-06-01", module='"201"'),
    "records/DB41-T-9008-2020.yaml": record("DB41/T 9008-2020", "公务用车标识规范", "现行", effective="2020-05-01",
                                            module='"202"'),
}

NOTES = """\
period: 2023H2
addressee: 各省级机关事务管理部门
opening: 下半年，各地持续推进标准化工作。
situation:
  - heading: 统筹规划方面
    text: 各地制定年度方案。
practices:
  items:
    - heading: 一事一标
      text: 市县采用省级标准。
experience:
  items:
    - heading: 制定与实施相结合
      text: 标准的生命力在于实施。
next_steps:
  intro: 下一步重点如下。
  items:
    - heading: 以复审为抓手
      text: 按期复审。
issuer: 某省机关事务管理局办公室
date: 2024-01-15
"""


@pytest.fixture
def fixture_catalog(make_catalog: CatalogFactory) -> Path:
    return make_catalog(FIXTURE)


def test_period_parsing() -> None:
    h1 = parse_period("2020H1")
    assert (h1.start, h1.end, h1.label) == (dt.date(2020, 1, 1), dt.date(2020, 6, 30), "2020年上半年")
    h2 = parse_period("2020h2")
    assert (h2.start, h2.end, h2.label) == (dt.date(2020, 7, 1), dt.date(2020, 12, 31), "2020年下半年")
    year = parse_period("2020")
    assert (year.start, year.end, year.label) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020年")
    custom = parse_period(None, dt.date(2023, 3, 1), dt.date(2023, 5, 31))
    assert custom.label == "2023年3月1日至2023年5月31日"
    narrowed = parse_period("2023", dt.date(2023, 3, 1))
    assert (narrowed.start, narrowed.end) == (dt.date(2023, 3, 1), dt.date(2023, 12, 31))
    for bad in ("2020H3", "20H1", "2020-H1", "next year"):
        with pytest.raises(PeriodError):
            parse_period(bad)
    # the years a notes file's period may name (0001–9999): 1899H2 was refused, so such notes were never used
    early = parse_period("1899H2")
    assert (early.start, early.end, early.label) == (dt.date(1899, 7, 1), dt.date(1899, 12, 31), "1899年下半年")
    assert parse_period("9999H2").end == dt.date(9999, 12, 31)
    with pytest.raises(PeriodError, match="years 0001–9999"):
        parse_period("0000H1")  # no day of the calendar
    with pytest.raises(PeriodError):
        parse_period(None, dt.date(2023, 5, 1), dt.date(2023, 3, 1))


def test_hand_counted_figures_per_tier_and_module(fixture_catalog: Path) -> None:
    catalog = load_catalog(fixture_catalog)
    assert not catalog.load_findings
    figures = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2026, 1, 1))
    assert figures.published.total == 5
    assert dict(figures.published.by_tier) == {"national": 1, "local": 3, "internal": 1}
    assert dict(figures.published.by_module) == {"101": 1, "202": 2, "301": 1, "302": 1}
    assert dict(figures.published.by_region) == {"41": 2, "32": 1}  # local standards only
    assert figures.effective.total == 4
    assert dict(figures.effective.by_tier) == {"national": 1, "local": 2, "internal": 1}
    assert dict(figures.effective.by_module) == {"101": 1, "202": 1, "301": 1, "302": 1}
    assert figures.abolished.codes == ["DB32/T 9004-2019"]
    assert dict(figures.abolished.by_module) == {"301": 1}
    assert figures.in_force_at_end.total == 6
    assert dict(figures.in_force_at_end.by_tier) == {"national": 1, "industry": 1, "local": 3, "internal": 1}
    assert dict(figures.in_force_at_end.by_module) == {"101": 1, "201": 1, "202": 2, "301": 1, "302": 1}
    assert figures.undated == []  # DB41/T 9008-2020 was published by 2020-05-01: no note of 2023H2 names it
    assert figures.leaf_modules == ["101", "201", "202", "301", "302", "303"]


def test_a_period_not_over_counts_only_up_to_as_of(fixture_catalog: Path) -> None:
    catalog = load_catalog(fixture_catalog)
    figures = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2023, 9, 15))
    assert figures.cutoff == dt.date(2023, 9, 15)
    assert sorted(figures.published.codes) == ["DB32/T 9003-2023", "DB4103/T 9002-2023", "GB/T 90001-2023",
                                               "HNJGSW 9005-2023"]
    assert figures.abolished.total == 0
    text = "".join(b.text for b in compose(figures, None).blocks)
    assert "报告期尚未结束：数字统计至2023年9月15日" in text


def test_annual_report_counts_the_whole_year(fixture_catalog: Path) -> None:
    figures = compute_bulletin(load_catalog(fixture_catalog), parse_period("2023"), dt.date(2026, 1, 1))
    assert figures.published.total == 6  # the five of H2 and GB/T 90002 (2023-06-30)


# Undated records (no published date) for the note on the published count: the year in the code and the
# effective date bound when each may have been published.
UNDATED = {
    "records/DB41-T-9010-2023.yaml": record("DB41/T 9010-2023", "公务用车标识规范", module='"202"'),  # 2023, any half
    "records/DB41-T-9011-2023.yaml": record("DB41/T 9011-2023", "公务用车标识规范",  # effective in May: H1's
                                            effective="2023-05-01", module='"202"'),
    "records/DB41-T-9012-2024.yaml": record("DB41/T 9012-2024", "公务用车标识规范", module='"202"'),
    **{f"records/DB41-T-903{n}-2022.yaml": record(f"DB41/T 903{n}-2022", "会议服务规范", module='"303"')
       for n in range(6)},  # six in 2022, either half: more than the note names
}


def _bulletin(root: Path, period: str, fmt: str, out: Path) -> str:
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", period, "-f", fmt, "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        return "\n".join(paragraph.text for paragraph in Document(str(out)).paragraphs)
    return out.read_text(encoding="utf-8")


def test_the_undated_note_names_only_records_the_period_may_have_published(make_catalog: CatalogFactory,
                                                                           tmp_path: Path) -> None:
    # Every bulletin named every undated record of the catalog (20 of them, then 等): 2020's DB41/T 9008 in a
    # note on 2023H2, and a list as long as the catalog's gaps in every period's bulletin.
    root = make_catalog({**FIXTURE, **UNDATED})
    catalog = load_catalog(root)
    as_of = dt.date(2026, 1, 1)
    undated = {p: compute_bulletin(catalog, parse_period(p), as_of).undated for p in ("2023H1", "2023H2", "2024H1",
                                                                                      "2025H1", "2020H1", "2020H2")}
    assert undated == {"2023H1": ["DB41/T 9010-2023"], "2023H2": ["DB41/T 9010-2023"],
                       "2024H1": ["DB41/T 9012-2024"], "2025H1": [], "2020H1": [], "2020H2": []}
    # Bounds wholly inside the period mean published in it for certain: counted, as `gbstd plan status` counts
    # them, not noted. 9011 (2023, effective 2023-05-01) and 9008 (2020, effective 2020-05-01) in their first
    # half; a year holds its code year's undated records.
    certain = {"2023H1": "DB41/T 9011-2023", "2020H1": "DB41/T 9008-2020", "2024": "DB41/T 9012-2024"}
    for period, code in certain.items():
        figures = compute_bulletin(catalog, parse_period(period), as_of)
        assert code in figures.published.codes and code not in figures.undated, period
    note = ("另有{}项标准缺少发布日期，按其标准号年份和实施、废止日期可能在本期发布，未计入本期发布数"
            "（实施、废止和现行仍按其日期计入）：{}。")
    h1 = h2 = note.format(1, "DB41/T 9010-2023")  # 9011 is in H1's published count, not its note
    first_five = "、".join(f"DB41/T 903{n}-2022" for n in range(5))
    h2_2022 = note.format(6, first_five + "等6项")
    for fmt in ("md", "html", "docx"):
        assert h1 in _bulletin(root, "2023H1", fmt, tmp_path / f"h1.{fmt}"), fmt
        text = _bulletin(root, "2023H2", fmt, tmp_path / f"h2.{fmt}")
        assert h2 in text and "DB41/T 9011" not in text and "DB41/T 9008" not in text, fmt
        text = _bulletin(root, "2022H2", fmt, tmp_path / f"2022.{fmt}")
        assert h2_2022 in text and "DB41/T 9035" not in text, fmt  # the sixth is counted, not named
        assert "缺少发布日期" not in _bulletin(root, "2025H1", fmt, tmp_path / f"2025.{fmt}"), fmt
    figures = json.loads(_bulletin(root, "2022H2", "json", tmp_path / "2022.json"))["figures"]
    assert figures["undated"] == [f"DB41/T 903{n}-2022" for n in range(6)]  # the JSON lists them all
    assert json.loads(_bulletin(root, "2023H2", "json", tmp_path / "h2.json"))["figures"]["undated"] == [
        "DB41/T 9010-2023"]


# One catalog for both commands: every target of the plan is one period of the bulletin, counting every status
# (the bulletin's published count does not ask whether a standard is still in force).
BOUNDED_PLAN = """\
title: 某省机关事务标准化试点工作方案
issuers: [某省机关事务管理局]
issued: 2023-01-01
phases: [{name: 组织实施, start: 2023-01, end: 2023-12}]
targets:
  - {id: h1, description: 上半年, at_least: 1, filter: {tiers: [local], statuses: [现行, 即将实施, 废止]},
     from: 2023-01-01, to: 2023-06-30}
  - {id: h2, description: 下半年, at_least: 1, filter: {tiers: [local], statuses: [现行, 即将实施, 废止]},
     from: 2023-07-01, to: 2023-12-31}
  - {id: year, description: 全年, at_least: 1, filter: {tiers: [local], statuses: [现行, 即将实施, 废止]}}
"""
BOUNDED = {
    "system.yaml": SYSTEM,
    "plans/province-2023.yaml": BOUNDED_PLAN,
    # no dates at all: published in 2023, which half is unknown
    "records/DB41-T-1-2023.yaml": record("DB41/T 1-2023", "公务用车标识规范", module='"202"'),
    # abolished in March: published by then, so in the first half and never in the second
    "records/DB41-T-2-2023.yaml": record("DB41/T 2-2023", "公务用车配备规范", "废止", abolished="2023-03-01",
                                         module='"202"'),
    # abolished in August: either half
    "records/DB41-T-3-2023.yaml": record("DB41/T 3-2023", "公务用车处置规范", "废止", abolished="2023-08-15",
                                         module='"202"'),
    "records/DB41-T-4-2023.yaml": record("DB41/T 4-2023", "公务用车运行规范", published="2023-09-01",
                                         effective="2023-10-01", module='"202"'),
}


def test_undated_records_count_alike_in_the_bulletin_and_plan_status(make_catalog: CatalogFactory,
                                                                     tmp_path: Path) -> None:
    # A record abolished in March was named as possibly published in 2023H2's note (the abolition date did not
    # bound its publication), and DB41/T 1-2023 without dates was certainly published in 2023 for `plan status`
    # while the 2023 bulletin only mentioned it in the note.
    root = make_catalog(BOUNDED)
    result = runner.invoke(app, ["plan", "status", str(root), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    [plan] = json.loads(result.stdout)
    targets = {t["id"]: t for t in plan["targets"]}
    expected = {"2023H1": (["DB41/T 2-2023"], ["DB41/T 1-2023", "DB41/T 3-2023"]),
                "2023H2": (["DB41/T 4-2023"], ["DB41/T 1-2023", "DB41/T 3-2023"]),
                "2023": (["DB41/T 1-2023", "DB41/T 2-2023", "DB41/T 3-2023", "DB41/T 4-2023"], [])}
    for period, target in (("2023H1", "h1"), ("2023H2", "h2"), ("2023", "year")):
        figures = json.loads(_bulletin(root, period, "json", tmp_path / f"{period}.json"))["figures"]
        bulletin = sorted(figures["published"]["codes"]), sorted(figures["undated"])
        status = (sorted(s["code"] for s in targets[target]["standards"]),
                  sorted(s["code"] for s in targets[target]["uncertain"]))
        assert bulletin == status == expected[period], period
        assert targets[target]["count"] == figures["published"]["total"]
    text = _bulletin(root, "2023H2", "md", tmp_path / "h2.md")
    assert "另有2项标准缺少发布日期" in text and "DB41/T 2-2023" not in text
    text = _bulletin(root, "2023", "md", tmp_path / "2023.md")
    assert "共发布标准4项，其中地方标准4项" in text and "缺少发布日期" not in text


def test_markdown_states_the_figures_and_marks_missing_notes(fixture_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "--period", "2023H2", "--format", "md",
                                 "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 关于2023年下半年机关事务标准化工作推进情况的通报")
    assert "共发布标准5项，其中国家标准1项、地方标准3项、内部标准1项" in text
    assert "开始实施标准4项，其中国家标准1项、地方标准2项、内部标准1项" in text
    assert "废止标准1项，其中地方标准1项" in text
    assert "标准体系共有现行标准6项，覆盖体系6个末级模块中的5个" in text
    assert "| 202 公务用车 | 2 | 1 | 0 | 2 |" in text
    assert "| 合计 | 5 | 4 | 1 | 6 |" in text
    assert "| 地方标准 | 3 | 2 | 1 | 3 |" in text
    assert "缺少发布日期" not in text  # the one undated record was published years before 2023H2
    for missing in ("主送机关", "特色做法", "工作经验", "下一步重点工作", "发文机关署名", "成文日期"):
        assert f"【待补充：{missing}" in text
    assert (tmp_path / "out" / "b-charts" / "by-tier.png").read_bytes().startswith(b"\x89PNG")
    assert "![图1 各层级标准数量](b-charts/by-tier.png)" in text


def test_notes_are_merged_in_the_order_of_the_real_bulletin(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES})
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    order = ["各省级机关事务管理部门：", "下半年，各地持续推进标准化工作。", "## 一、2023年下半年工作情况",
             "**（一）基本情况。**统筹规划方面，各地制定年度方案。", "**标准制定方面，**", "**（二）特色做法。**一事一标。",
             "## 二、工作经验", "**（一）制定与实施相结合。**标准的生命力在于实施。", "## 三、下一步重点工作",
             "下一步重点如下。", "**（一）以复审为抓手。**按期复审。", "某省机关事务管理局办公室", "2024年1月15日"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "【待补充：特色做法" not in text
    assert "文字素材取自 notes/2023H2.yaml" in text


def test_sources_not_in_this_build_are_placeholders_not_numbers(fixture_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-p", "2023H2", "-f", "json",
                                 "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["figures"]["published"]["total"] == 5
    for source in ("projects", "reviews", "duplicates", "plans"):
        if not data["figures"][source]["available"]:
            assert any(data["figures"][source]["what"] == p for p in data["placeholders"])


def test_docx_follows_gb_t_9704(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    section = document.sections[0]

    def mm(value: int | None) -> float:
        assert value is not None
        return value / Mm(1)

    assert (round(mm(section.page_width)), round(mm(section.page_height))) == (210, 297)
    assert (round(mm(section.top_margin)), round(mm(section.left_margin))) == (37, 28)
    assert (round(mm(section.right_margin)), round(mm(section.bottom_margin))) == (26, 35)  # 156 × 225 text block
    # 28 characters a line: a grid of lines and characters whose pitch fits them in 156 mm (16 pt alone: 27)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid is not None and grid.get(qn("w:type")) == "linesAndChars"
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert int(156 / 25.4 * 72 / pitch) == 28

    def east_asia(run: object) -> str | None:
        fonts = run._element.rPr.rFonts  # type: ignore[attr-defined]
        return fonts.get(qn("w:eastAsia"))

    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = document.paragraphs[0]
    assert title.text == "关于2023年下半年机关事务标准化工作推进情况的通报"
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    heading = next(p for p in document.paragraphs if p.text == "一、2023年下半年工作情况")
    assert east_asia(heading.runs[0]) == "黑体" and heading.runs[0].font.size == Pt(16)
    situation = next(p for p in document.paragraphs if p.text.startswith("（一）基本情况。"))
    assert east_asia(situation.runs[0]) == "楷体_GB2312"
    assert east_asia(situation.runs[1]) == "仿宋_GB2312" and situation.runs[1].font.size == Pt(16)
    assert any(p.text == "某省机关事务管理局办公室" for p in document.paragraphs)
    assert any(p.text == "2024年1月15日" for p in document.paragraphs)
    # charts by tier, by module and review state, and the framework diagram where Graphviz is installed
    assert len(document.inline_shapes) == 3 + HAS_DOT
    assert [t.rows[-1].cells[0].text for t in document.tables[:2]] == ["合计", "合计"]

    for footer in (section.footer, section.even_page_footer):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        for run in paragraph.runs:
            assert east_asia(run) == "宋体" and run.font.size == Pt(14)
    assert document.settings.odd_and_even_pages_header_footer


def test_html_is_self_contained_and_escapes_record_text(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    notes = NOTES.replace("各地制定年度方案。", "<script>alert(1)</script>各地制定年度方案。")
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": notes})
    out = tmp_path / "b.html"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "html", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('src="data:image/png;base64,') == 3 + HAS_DOT
    assert "http://" not in html and "https://" not in html
    assert "@page" in html and "counter(page)" in html


def test_unknown_period_is_a_clear_error(fixture_catalog: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-p", "2023H3", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "无法识别的报告期" in result.output
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_unwritable_output_is_a_clear_error(fixture_catalog: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory", encoding="utf-8")
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-p", "2023H2",
                                 "-o", str(blocker / "b.md"), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "无法写入" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("period: 2023H2\npractises:\n  items: []\n", "notes/2023H2.yaml:2:1: 未知字段 `practises`"),
        ("period: 2023H2\ndate: 2024-02-30\n", "notes/2023H2.yaml:2:7: `date`"),
        ("period: 2023H2\nopening: 'unclosed\n", "notes/2023H2.yaml:"),
    ],
)
def test_broken_notes_file_is_a_clear_error(make_catalog: CatalogFactory, tmp_path: Path, notes: str,
                                            expected: str) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": notes})
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(tmp_path / "b.md"),
                                 "--as-of", AS_OF])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not (tmp_path / "b.md").exists()


def test_broken_notes_are_reported_by_lint(make_catalog: CatalogFactory) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": "period: 2023H2\npractises: {}\n"})
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--select", "C001", "--as-of", AS_OF])
    findings = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(f["path"], f["line"]) for f in findings] == [("notes/2023H2.yaml", 2)]


def test_a_notes_period_of_year_0000_is_refused_in_words(make_catalog: CatalogFactory) -> None:
    # `^\d{4}(H[12])?$` took 0000H1 (a period no bulletin can be made for) and lint said nothing; a wrong period
    # was told as the regular expression. Year 0000 is refused as a month's is, by the model and by the schema.
    jsonschema = pytest.importorskip("jsonschema")
    files = {**FIXTURE, "notes/0000H1.yaml": "period: 0000H1\n", "notes/0001H2.yaml": "period: 0001H2\n"}
    root = make_catalog(files)
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--select", "C001", "--as-of", AS_OF,
                                 "--lang", "en"])
    findings = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("notes/0000H1.yaml", 1, 9)]
    assert findings[0]["message"] == ("`period`: '0000H1' is not a period: use 2023H1 (first half), 2023H2 (second "
                                      "half) or 2023 (year), years 0001–9999")
    committed = Path(__file__).resolve().parent.parent / "schemas"
    for name, path, wrong in (("notes", ["properties", "period"], "0000H1"),
                              ("plan", ["$defs", "Submission", "properties", "period"], "0000")):
        schema = json.loads((committed / f"{name}.schema.json").read_text("utf-8"))
        for step in path:
            schema = schema[step]
        jsonschema.validate("2023H1", schema)
        jsonschema.validate("0001H1", schema)
        for refused in (wrong, "0000H1", "2023H3", "23H1"):
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(refused, schema)


def test_explicit_notes_for_another_period_warns(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog(FIXTURE)
    notes = tmp_path / "h1.yaml"
    notes.write_text(NOTES.replace("2023H2", "2023H1"), encoding="utf-8")
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--notes", str(notes),
                                 "-o", str(tmp_path / "b.md"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "2023H1" in result.output
    missing = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--notes",
                                  str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "c.md")])
    assert missing.exit_code == 2


@pytest.mark.parametrize("kind", ["directory", "fifo", "link to nothing", "missing"])
def test_notes_that_are_not_a_file_say_what_they_are(make_catalog: CatalogFactory, tmp_path: Path, kind: str) -> None:
    # a directory (or a FIFO) was "no such notes file", under "the notes file is broken"
    root = make_catalog(FIXTURE)
    notes = tmp_path / "notes"
    said = {"directory": f"--notes: {notes} is a directory, not a file",
            "fifo": f"--notes: {notes} is not a regular file (a device, pipe or socket)",
            "link to nothing": f"--notes: a link to nothing: {notes} → gone.yaml, which does not exist",
            "missing": f"--notes: no such file: {notes}"}[kind]
    if kind == "directory":
        notes.mkdir()
    elif kind == "fifo":
        os.mkfifo(notes)
    elif kind == "link to nothing":
        notes.symlink_to("gone.yaml")
    out = tmp_path / "b.md"
    for lang, words in (("en", said), ("zh", "--notes：")):
        result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--notes", str(notes),
                                     "-o", str(out), "--as-of", AS_OF, "--lang", lang])
        assert result.exit_code == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.output
    assert not out.exists()
    assert "目录，不是文件" in runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--notes",
                                              str(tmp_path), "-o", str(out), "--as-of", AS_OF]).stderr


def test_catalog_templates_override_the_builtin_ones(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog({**FIXTURE, "templates/bulletin/bulletin.md.j2": "定制：{{ doc.title }} {{ doc.bulletin.published.total }}\n"})
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "定制：关于2023年下半年机关事务标准化工作推进情况的通报 5\n"


def test_templates_run_in_the_sandbox(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    evil = "{{ doc.__class__.__init__.__globals__['os'].system('echo pwned') }}"
    root = make_catalog({**FIXTURE, "templates/bulletin/bulletin.md.j2": evil})
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(tmp_path / "b.md"),
                                 "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "沙箱" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "b.md").exists()


def test_sample_catalog_2023h2_in_all_formats(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "standards"
    for fmt in ("md", "html", "docx"):
        out = tmp_path / f"2023H2.{fmt}"
        result = runner.invoke(app, ["report", "bulletin", str(sample), "--period", "2023H2", "--format", fmt,
                                     "-o", str(out), "--as-of", "2026-11-23"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    text = (tmp_path / "2023H2.md").read_text(encoding="utf-8")
    assert "示例数据（illustrative）" in text  # the sample notes are marked illustrative
    assert "目录中共发布标准7项" in text


def test_charts_without_a_cjk_font_say_so(fixture_catalog: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.reports import bulletin, charts

    monkeypatch.setattr(bulletin, "find_cjk_font", lambda: charts.ChartFont(None))
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-p", "2023H2", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "本机未安装中文字体" in out.read_text(encoding="utf-8")


def test_a_cjk_font_is_found_here_when_fontconfig_has_one() -> None:
    from gbstd.reports.charts import _fontconfig_cjk_files, find_cjk_font

    if not _fontconfig_cjk_files():
        pytest.skip("no CJK font on this machine (Debian: apt-get install fonts-noto-cjk)")
    assert find_cjk_font().family


def test_pilot_plan_progress_is_the_same_as_plan_status() -> None:
    from gbstd.plans import plan_progress
    from gbstd.reports.sources import PlanFigures

    catalog = load_catalog(Path(__file__).resolve().parent.parent / "standards")
    figures = compute_bulletin(catalog, parse_period("2022H1"), dt.date(2026, 1, 1))
    assert isinstance(figures.plans, PlanFigures) and len(figures.plans.plans) == 1
    shown = figures.plans.plans[0]
    progress = plan_progress(catalog.plans[0], catalog, dt.date(2022, 6, 30))
    assert [(t.counted, t.target) for t in shown.targets] == [(t.count, t.threshold) for t in progress.targets]
    assert shown.phase == progress.current_phase.phase.name  # type: ignore[union-attr]
    text = "".join(b.text for b in compose(figures, None).blocks)
    assert "试点工作方案》期末实施中（组织实施阶段）" in text
    # Plans that do not run in the period are left out; a catalog without plans gets no placeholder.
    later = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2026, 1, 1))
    assert isinstance(later.plans, PlanFigures) and later.plans.plans == []
    assert "试点工作方案进度" not in compose(later, None).placeholders


def test_projects_and_diagram_come_from_pipeline_and_diagram_modules() -> None:
    from gbstd.model.making import Stage
    from gbstd.pipeline import project_states, stage_counts
    from gbstd.reports.sources import ProjectFigures, Unavailable

    catalog = load_catalog(Path(__file__).resolve().parent.parent / "standards")
    figures = compute_bulletin(catalog, parse_period("2022"), dt.date(2026, 11, 23))
    assert isinstance(figures.projects, ProjectFigures)
    assert figures.projects.approved == stage_counts(catalog, dt.date(2022, 1, 1), dt.date(2022, 12, 31))[Stage.APPROVAL]
    assert figures.projects.in_progress == sum(s.active for s in project_states(catalog, dt.date(2022, 12, 31)))
    text = "".join(b.text for b in compose(figures, None).blocks)
    assert f"全年新立项标准{figures.projects.approved}项" in text
    if HAS_DOT:
        assert not isinstance(figures.diagram, Unavailable)
        assert figures.diagram.png.startswith(b"\x89PNG") and b"<svg" in figures.diagram.svg
    else:
        assert isinstance(figures.diagram, Unavailable)


def test_review_figures_are_those_of_the_review_worklist() -> None:
    from gbstd.reports.sources import ReviewFigures
    from gbstd.review import review_worklist, reviews_between

    catalog = load_catalog(Path(__file__).resolve().parent.parent / "standards")
    figures = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2026, 11, 23))
    reviews = figures.reviews
    assert isinstance(reviews, ReviewFigures)
    summary = review_worklist(catalog, catalog.config.review, dt.date(2023, 12, 31)).summary
    assert (reviews.overdue, reviews.overdue_hard, reviews.due_soon, reviews.current, reviews.zombies) == (
        summary.overdue, summary.overdue_hard, summary.due_soon, summary.current, summary.zombies)
    assert reviews.reviewed == len(reviews_between(catalog, dt.date(2023, 7, 1), dt.date(2023, 12, 31)))
    # the standards in force at the end are the worklist's (one rule for "in force on a day")
    assert figures.in_force_at_end.total == summary.total
    text = "".join(b.text for b in compose(figures, None).blocks)
    assert f"现行标准中逾期未复审{summary.overdue}项" in text
    assert any(b.chart and b.chart.name == "review-state" for b in compose(figures, None).blocks)


def test_review_state_counts_add_up_to_the_standards_in_force(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # A 现行 record without any date is in force but has no review clock: it was in none of the three review
    # counts, so "逾期0项，临近0项，未到期1项" sat beside "现行标准2项" with nothing said of the other one.
    root = make_catalog({
        "system.yaml": SYSTEM,
        "records/GB-T-90002-2023.yaml": FIXTURE["records/GB-T-90002-2023.yaml"],
        "records/DB41-T-9009-2021.yaml": record("DB41/T 9009-2021", "公务用车标识规范", "现行", module='"202"'),
    })
    out = tmp_path / "b.json"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    reviews = figures["reviews"]
    assert reviews["undated"] == ["DB41/T 9009-2021"]
    counted = reviews["overdue"] + reviews["due_soon"] + reviews["current"] + len(reviews["undated"])
    assert counted == figures["in_force_at_end"]["total"] == 2
    doc = compose(compute_bulletin(load_catalog(root), parse_period("2023H2"), dt.date(2026, 1, 1)), None)
    text = "".join(b.text for b in doc.blocks)
    assert "未到期1项，另有1项没有实施或发布日期、无法计算复审期限。" in text
    chart = next(b.chart for b in doc.blocks if b.chart and b.chart.name == "review-state")
    assert sum(chart.series["标准数"]) == 2 and chart.labels[-1] == "无日期"


PLAN = """\
title: 某市机关事务标准化试点工作方案
issuers: [某市机关事务管理局]
issued: 2023-01-01
phases:
  - {name: 准备阶段, start: 2023-01, end: 2023-03}
  - {name: 组织实施, start: 2023-04, end: 2024-12}
"""


@pytest.mark.parametrize(("as_of", "phase"), [("2023-02-15", "（准备阶段）"), ("2023-12-15", "（组织实施阶段）")])
def test_a_plan_in_the_bulletin_names_its_phase_once_and_says_when_it_lists_no_tasks(
    make_catalog: CatalogFactory, tmp_path: Path, as_of: str, phase: str
) -> None:
    # A phase named 准备阶段, as plans often name them, was printed （准备阶段阶段）; and a plan without a
    # task table read "任务已完成0项、未到期0项、逾期0项", as if its tasks had not been done.
    root = make_catalog({"system.yaml": SYSTEM, "plans/city-2023.yaml": PLAN})
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023", "-o", str(out), "--as-of", as_of])
    assert result.exit_code == 0, result.output
    line = next(line for line in out.read_text(encoding="utf-8").splitlines() if "试点引领方面" in line)
    assert f"期末实施中{phase}，方案未列重点任务。" in line
    assert "阶段阶段" not in line and "已完成0项" not in line


def test_duplicates_are_those_of_gbstd_dupes() -> None:
    from gbstd.reports.sources import DuplicateFigures
    from gbstd.review import in_force_on
    from gbstd.similarity import find_duplicates, find_groups

    catalog = load_catalog(Path(__file__).resolve().parent.parent / "standards")
    listed = [p for p in find_duplicates(catalog) if p.is_duplicate]
    now = compute_bulletin(catalog, parse_period("2026"), dt.date(2026, 11, 23))
    assert isinstance(now.duplicates, DuplicateFigures)
    # the bulletin counts every pair and the groups `gbstd dupes` reports, and keeps each group's strongest pairs
    assert now.duplicates.total == len(listed)
    assert {(p.a, p.b) for p in now.duplicates.pairs} <= {(p.a, p.b) for p in listed}
    assert now.duplicates.groups == len(find_groups(catalog).groups) < now.duplicates.total
    # a past period counts only pairs of standards that existed at its end
    past = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2026, 11, 23))
    assert isinstance(past.duplicates, DuplicateFigures)
    end = dt.date(2023, 12, 31)
    existed = {r.key for r in catalog.records
               if (r.standard.published <= end if r.standard.published else in_force_on(r.standard, end))}
    assert all(p.a in existed and p.b in existed for p in past.duplicates.pairs)
    assert 0 < past.duplicates.total < now.duplicates.total
    text = "".join(b.text for b in compose(past, None).blocks)
    assert f"目录中疑似重复建设的标准{past.duplicates.total}对，归为{past.duplicates.groups}组" in text
    placeholders = compose(past, None).placeholders  # only the human-written parts are missing without notes
    assert placeholders == ["主送机关", "发文机关署名", "成文日期", "开头段落",
                            "基本情况的文字部分（统筹规划、组织建设、试点引领等）", "特色做法", "工作经验", "下一步重点工作"]


def test_a_missing_graphviz_is_a_marked_note_not_a_failure(fixture_catalog: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.diagram import DiagramError
    from gbstd.i18n import Text
    from gbstd.reports import sources

    def no_dot(*args: object, **kwargs: object) -> bytes:
        raise DiagramError(Text("找不到 Graphviz 的 dot 程序", "Graphviz `dot` not found"))

    monkeypatch.setattr(sources, "render_diagram", no_dot)
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(fixture_catalog), "-p", "2023H2", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "【待补充：标准体系框架图未能生成——找不到 Graphviz 的 dot 程序】" in out.read_text(encoding="utf-8")


@pytest.mark.filterwarnings("error::UserWarning")  # and no "Glyph 11 missing from font" from the charts
def test_docx_with_a_control_character_in_a_module_name(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # A \v (Word's Shift+Enter, pasted into system.yaml) in a module name stopped the DOCX with python-docx's
    # "All strings must be XML compatible" traceback; Markdown and HTML went through.
    root = make_catalog({**FIXTURE, "system.yaml": SYSTEM.replace("name: 基础通用", 'name: "基础\\v通用"')})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    cells = [cell.text for table in Document(str(out)).tables for row in table.rows for cell in row.cells]
    assert any("基础通用" in text for text in cells), cells


def test_one_standard_in_two_files_is_counted_once(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # A record file copied beside itself (a C008 error) made 2023H2's 发布 8 instead of 7, with nothing said.
    copy = FIXTURE["records/DB4103-T-9002-2023.yaml"]
    root = make_catalog({**FIXTURE, "records/copy/DB4103-T-9002-2023.yaml": copy})
    out = tmp_path / "b.json"
    args = ["report", "bulletin", "-p", "2023H2", "-f", "json", "--as-of", AS_OF]
    result = runner.invoke(app, [*args[:2], str(root), *args[2:], "-o", str(out)])
    assert result.exit_code == 0, result.output
    once = json.loads(out.read_text(encoding="utf-8"))["figures"]
    single = make_catalog(FIXTURE, name="single")
    plain = tmp_path / "plain.json"
    assert runner.invoke(app, [*args[:2], str(single), *args[2:], "-o", str(plain)]).exit_code == 0
    expected = json.loads(plain.read_text(encoding="utf-8"))["figures"]
    for key in ("records_total", "published", "effective", "in_force_at_end", "reviews"):
        assert once[key] == expected[key], key
    assert "records/copy/DB4103-T-9002-2023.yaml" in result.stderr and "C008" in result.stderr


def test_a_bulletin_whose_charts_cannot_be_written_is_not_written(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # A file where the charts directory goes: the .md was written first, with links to charts that were not,
    # and the message blamed the .md ("File exists").
    root = make_catalog(FIXTURE)
    (tmp_path / "b-charts").write_text("placeholder", encoding="utf-8")
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF,
                                 "--lang", "en"])
    assert result.exit_code == 2
    assert not out.exists()
    assert "b-charts is a file, not a directory" in " ".join(result.stderr.split())
    result = runner.invoke(app, ["report", "catalog", str(root), "-o", str(tmp_path / "b-charts" / "t.csv"),
                                 "--lang", "en"])
    assert result.exit_code == 2 and "b-charts is a file, not a directory" in " ".join(result.stderr.split())


def test_an_output_path_that_is_a_directory_is_named_not_a_temporary_file(make_catalog: CatalogFactory,
                                                                           tmp_path: Path) -> None:
    # The rename's error names its temporary file first: "… .f.svg.q62uj7sa.tmp: Is a directory".
    root = make_catalog(FIXTURE)
    (tmp_path / "f.svg").mkdir()
    result = runner.invoke(app, ["system", str(root), "--diagram", str(tmp_path / "f.svg"), "--lang", "en"])
    message = " ".join(result.stderr.split())
    assert result.exit_code == 2 and f"{tmp_path / 'f.svg'} is a directory" in message and ".tmp" not in message
    (root / "records" / "national").write_text("", encoding="utf-8")  # a file where the tier folder goes
    result = runner.invoke(app, ["new", "GB/T 1-2020", "-t", "测试", "-m", "101", "-C", str(root), "--lang", "en"])
    assert result.exit_code == 2 and "national is a file, not a directory" in " ".join(result.stderr.split())


def test_duplicate_detection_is_a_second_progress_line_stage_by_stage() -> None:
    from gbstd.cli.common import detection_line, detection_stage, progress_bar

    assert detection_line(None, "zh") is None  # no terminal: no bar, nothing to report on
    assert detection_stage("minhash", "zh") == "查重：主题指纹" and detection_stage("a new stage", "zh") == "a new stage"
    with progress_bar("生成通报 bulletin", total=10, enabled=True) as bar:
        assert bar is not None
        stage = detection_line(bar, "zh")
        assert stage is not None and len(bar.tasks) == 1  # the line comes with the first stage
        stage("subjects", 5, 10)
        stage("scoring", 3, 7)
        first, line = bar.tasks
        assert (line.description, line.completed, line.total) == ("查重：评分与分组", 3, 7)
        assert first.total == 10 and first.completed == 0  # the command's own line is left as it was
    with progress_bar("bulletin", total=1, enabled=True) as bar:
        english = detection_line(bar, "en")
        assert english is not None
        english("similar subjects", 1, 2)
        assert bar is not None and bar.tasks[1].description == "duplicates: similar subjects"


@pytest.mark.parametrize("command", ["bulletin", "site"])
def test_the_bulletin_and_the_site_show_duplicate_detection_on_a_terminal(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Detection is most of a bulletin's or a site's time at national scale (13 of 17 s at 100 000 records);
    a bar that stood still at its last record meanwhile looked stuck."""
    from gbstd.cli import common
    from tests.federation_support import SAMPLE

    heard: list[tuple[str, int, int]] = []
    made = common.detection_line

    def listening(bar: object, lang: str) -> object:
        stage = made(bar, lang)  # type: ignore[arg-type]
        assert stage is not None

        def both(name: str, done: int, total: int) -> None:
            heard.append((name, done, total))
            stage(name, done, total)

        return both

    monkeypatch.setattr(common, "show_progress", lambda: True)  # as on a terminal
    monkeypatch.setattr(f"gbstd.cli.report_{command}.detection_line", listening)
    args = (["report", "bulletin", str(SAMPLE), "--period", "2024H2", "-f", "md", "-o", str(tmp_path / "b.md")]
            if command == "bulletin" else ["report", "site", str(SAMPLE), "-o", str(tmp_path / "site")])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    stages = [name for name, _, _ in heard]
    assert stages[0] == "subjects" and "scoring" in stages
    assert heard[-1][0] == "scoring" and heard[-1][1] == heard[-1][2]  # detection finished, then reported so


def test_a_value_yaml_reads_as_a_number_is_told_to_be_quoted(make_catalog: CatalogFactory) -> None:
    # `period: 2023` (an annual bulletin's notes) is an integer to YAML: lint said "expected text, got 2023",
    # which does not say what to type; it now names what YAML read and the quoted spelling.
    files = {**FIXTURE, "notes/2023.yaml": "period: 2023\n", "notes/2024.yaml": "period: true\n"}
    result = runner.invoke(app, ["lint", str(make_catalog(files)), "--format", "json", "--select", "C001",
                                 "--as-of", AS_OF, "--lang", "en"])
    findings = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["message"]) for f in findings] == [
        ("notes/2023.yaml", 1, "`period`: expected text, but YAML reads 2023 as an integer; quote it: '2023'"),
        ("notes/2024.yaml", 1, "`period`: expected text, but YAML reads true as a boolean; quote it: 'true'"),
    ]

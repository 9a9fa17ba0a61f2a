"""The DOCX bulletin read back with python-docx against GB/T 9704-2012 (党政机关公文格式): page, grid, fonts,
page numbers, the signature block and the appendix."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.reports.compose import compose
from gbstd.reports.docx_writer import write_docx
from gbstd.reports.figures import compute_bulletin
from gbstd.reports.period import parse_period
from tests.conftest import CatalogFactory
from tests.test_report_bulletin import AS_OF, FIXTURE, NOTES

runner = CliRunner()
BLOCK_WIDTH_PT = 156 / 25.4 * 72
CHAR_PT = BLOCK_WIDTH_PT / 28  # 一字 of the 28-character grid
LINE_PT = 28.9  # 225 mm over 22 lines, rounded down to what Word shows


@pytest.fixture
def bulletin(make_catalog: CatalogFactory, tmp_path: Path) -> DocxDocument:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    return Document(str(out))


def _pt(length: Length | None) -> float:
    return 0.0 if length is None else length / Pt(1)


def _east_asia(paragraph: Paragraph) -> set[str | None]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs}


def _width(text: str) -> float:
    """Characters of the grid: Chinese one, the Arabic digits of a date half of one."""
    return sum(0.5 if c.isascii() else 1 for c in text)


def test_a4_margins_and_the_22_by_28_grid(bulletin: DocxDocument) -> None:
    section = bulletin.sections[0]
    assert abs(section.page_width / Mm(1) - 210) < 0.5 and abs(section.page_height / Mm(1) - 297) < 0.5
    assert abs(section.top_margin / Mm(1) - 37) <= 1 and abs(section.left_margin / Mm(1) - 28) <= 1
    width = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
    height = (section.page_height - section.top_margin - section.bottom_margin) / Mm(1)
    assert abs(width - 156) < 0.5 and abs(height - 225) < 0.5
    body = next(p for p in bulletin.paragraphs if p.text.startswith("（一）基本情况"))
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and abs(_pt(fmt.line_spacing) - LINE_PT) < 0.1
    assert int(225 / 25.4 * 72 / _pt(fmt.line_spacing)) == 22
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_title_headings_and_body_fonts(bulletin: DocxDocument) -> None:
    title = bulletin.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and _pt(title.paragraph_format.first_line_indent) == 0
    assert _east_asia(title) == {"方正小标宋简体"} and title.runs[0].font.size == Pt(22)
    # 主送机关 标题下空一行, 顶格: the blank line is spacing, not an empty paragraph
    assert abs(_pt(title.paragraph_format.space_after) - LINE_PT) < 0.1
    addressee = bulletin.paragraphs[1]
    assert addressee.text.endswith("：") and _pt(addressee.paragraph_format.first_line_indent) == 0
    heading = next(p for p in bulletin.paragraphs if p.text.startswith("一、"))
    assert _east_asia(heading) == {"黑体"} and heading.runs[0].font.size == Pt(16)
    second = next(p for p in bulletin.paragraphs if p.text.startswith("（二）"))
    assert second.runs[0].text == "（二）特色做法。"
    assert second.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert second.runs[1]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    for table in bulletin.tables:
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_outside_one_character_in(bulletin: DocxDocument) -> None:
    section = bulletin.sections[0]
    assert bulletin.settings.odd_and_even_pages_header_footer
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align and _pt(getattr(paragraph.paragraph_format, side)) == 14
        assert paragraph.text == "— 1 —"  # the PAGE field's cached result between two em dashes
        assert [i.text for i in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert {run.font.size for run in paragraph.runs} == {Pt(14)} and _east_asia(paragraph) == {"宋体"}


def test_signature_and_date_of_a_sealed_document(bulletin: DocxDocument) -> None:
    paragraphs = bulletin.paragraphs
    # no empty paragraph as a spacer: 正文下空一行 is the signature's space before
    assert [p for p in paragraphs if not p.text and not p._p.xpath(".//w:drawing | .//w:br")] == []
    issuer, date = paragraphs[-2], paragraphs[-1]
    assert (issuer.text, date.text) == ("某省机关事务管理局办公室", "2024年1月15日")
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", date.text)  # Arabic digits, no leading zero
    assert abs(_pt(issuer.paragraph_format.space_before) - LINE_PT) < 0.1
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # 成文日期右空四字; 发文机关署名 centred on the date
    assert abs(_pt(date.paragraph_format.right_indent) - 4 * CHAR_PT) < 0.5
    centre_of_date = _pt(date.paragraph_format.right_indent) + _width(date.text) * CHAR_PT / 2
    centre_of_issuer = _pt(issuer.paragraph_format.right_indent) + _width(issuer.text) * CHAR_PT / 2
    assert abs(centre_of_date - centre_of_issuer) < 0.5


def test_an_issuer_longer_than_the_date_and_its_indent_stays_in_the_block(
    make_catalog: CatalogFactory, tmp_path: Path
) -> None:
    notes = NOTES.replace("issuer: 某省机关事务管理局办公室", "issuer: 某省机关事务管理局某某某某某某某某某某某某办公室")
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": notes})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    issuer = Document(str(out)).paragraphs[-2]
    assert issuer.text.endswith("某某办公室") and _pt(issuer.paragraph_format.right_indent) == 0


def _with_appendix(make_catalog: CatalogFactory) -> DocxDocument:
    """The bulletin with a one-row 本期目录变化 appendix (what ``--changes-since`` adds), written directly."""
    catalog = load_catalog(make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES}))
    figures = compute_bulletin(catalog, parse_period("2023H2"), dt.date(2026, 1, 1))
    notes = next(n for n in catalog.notes if n.notes.period == "2023H2")
    doc = compose(figures, notes.notes)
    doc.changes = {"title": "本期目录变化", "range": "HEAD → 工作区", "summary": "共 1 项：新增 1",
                   "tables": ({"caption": "新增（1 项）", "header": ("体系", "编号", "名称", "变化"),
                               "rows": (("101 基础通用", "GB/T 90009-2023", "某规范", ""),)},)}
    return Document(BytesIO(write_docx(doc, {})))


def test_the_appendix_is_announced_under_the_text(make_catalog: CatalogFactory) -> None:
    document = _with_appendix(make_catalog)
    texts = [p.text for p in document.paragraphs]
    # 附件说明 (7.3.4): 正文下空一行左空二字, then the signature 附件说明下空一行
    note = document.paragraphs[texts.index("附件：本期目录变化")]
    assert texts.index("附件：本期目录变化") + 1 == texts.index("某省机关事务管理局办公室")
    assert abs(_pt(note.paragraph_format.space_before) - LINE_PT) < 0.1
    assert abs(_pt(note.paragraph_format.first_line_indent) - 2 * CHAR_PT) < 0.5
    assert _east_asia(note) == {"仿宋_GB2312"}


def test_the_appendix_starts_its_own_page(make_catalog: CatalogFactory) -> None:
    document = _with_appendix(make_catalog)
    texts = [p.text for p in document.paragraphs]
    # 附件 另面编排 (7.3.7): "附件" 黑体 顶格 on the first line of a new page, its title centred on the third
    mark = document.paragraphs[texts.index("附件")]
    assert mark.paragraph_format.page_break_before and _east_asia(mark) == {"黑体"}
    assert _pt(mark.paragraph_format.first_line_indent) == 0
    title = document.paragraphs[texts.index("附件") + 1]
    assert title.text == "本期目录变化" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert abs(_pt(title.paragraph_format.space_before) - LINE_PT) < 0.1
    # a paragraph holding only a page break could itself fall on a new page and leave a blank one
    assert not any(p._p.xpath('.//w:br[@w:type="page"]') for p in document.paragraphs)


def test_no_font_is_embedded(bulletin: DocxDocument, tmp_path: Path) -> None:
    out = tmp_path / "again.docx"
    bulletin.save(str(out))
    with zipfile.ZipFile(out) as package:
        assert not [n for n in package.namelist() if n.startswith("word/fonts/")]
        assert b"embedTrueTypeFonts" not in package.read("word/settings.xml")


def test_chinese_punctuation_is_set_in_the_chinese_font(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    notes = NOTES.replace("text: 标准的生命力在于实施。", "text: 标准既要“能用”，更要“管用”——这是关键……")
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": notes})
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    # Word sets “ ” — … in the Latin font (Times New Roman) unless the run hints East Asian text
    runs = [run for p in document.paragraphs for run in p.runs if run.text]
    quoted = [run for run in runs if "“" in run.text]
    assert quoted and all(run._element.rPr.rFonts.get(qn("w:hint")) == "eastAsia" for run in runs)
    footer = document.sections[0].footer.paragraphs[0]
    assert all(run._element.rPr.rFonts.get(qn("w:hint")) == "eastAsia" for run in footer.runs)
    # the document's East-Asian language is Chinese, not python-docx's en-US text and ja-JP theme fonts
    normal = document.styles["Normal"].element.rPr
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert normal.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    with zipfile.ZipFile(out) as package:
        settings = package.read("word/settings.xml").decode()
        styles = package.read("word/styles.xml").decode()
    assert 'w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"' in settings
    assert 'w:eastAsia="en-US"' not in styles and 'w:eastAsia="ja-JP"' not in settings


def test_the_chinese_fonts_are_described_with_installed_alternatives(bulletin: DocxDocument, tmp_path: Path) -> None:
    out = tmp_path / "again.docx"
    bulletin.save(str(out))
    with zipfile.ZipFile(out) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
    fonts = {font.get(qn("w:name")): font for font in table.iter(qn("w:font"))}

    def value(name: str, tag: str) -> str | None:
        element = fonts[name].find(qn(f"w:{tag}"))
        return None if element is None else element.get(qn("w:val"))

    # Windows 10+ has 仿宋 and 楷体, not the _GB2312 fonts the standard's templates name
    assert value("仿宋_GB2312", "altName") == "仿宋,FangSong"
    assert value("楷体_GB2312", "altName") == "楷体,KaiTi"
    for name in ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "黑体", "宋体"):
        assert value(name, "charset") == "86"  # GB2312: what Word's own substitution matches first
    assert "Times New Roman" in fonts  # python-docx's entries stay


def test_all_text_but_the_placeholders_is_black(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES})
    out = tmp_path / "b.docx"
    # written before the period ends: the bulletin carries a 注 saying so
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "docx", "-o", str(out),
                                 "--as-of", "2023-12-01"])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert any(p.text.startswith("注：报告期尚未结束") for p in document.paragraphs)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.font.highlight_color is None:  # a 【待补充】 placeholder is marked to be replaced
                assert run.font.color.rgb is None, run.text
